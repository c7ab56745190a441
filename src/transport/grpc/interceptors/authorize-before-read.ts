/**
 * Authorizes a call on its metadata, before a single request byte is read. grpc-js reads and
 * decodes a message only after the handler asks for it (startRead); this interceptor answers an
 * unauthenticated or unauthorized call from its headers and never asks, so the body of a hostile
 * 16 MB message is neither buffered into objects nor decoded.
 */
import {
  ServerInterceptingCall,
  type Metadata,
  type ServerInterceptor,
  type StatusObject,
} from '@grpc/grpc-js';

/** The verdict on a call's headers: undefined admits it, a status refuses it. */
export type CallAuthorizer = (
  path: string,
  authorization: readonly unknown[],
) => Pick<StatusObject, 'code' | 'details'> | undefined;

/** Told of each refused call, for metrics and the access log (the call never reaches the middleware). */
export type RefusalObserver = (path: string, code: number, peer: string) => void;

export function authorizeBeforeRead(
  authorize: CallAuthorizer,
  onRefused: RefusalObserver,
): ServerInterceptor {
  return (method, call) => {
    let refused = false;
    const intercepted = new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata: Metadata, admit) {
            const verdict = authorize(method.path, metadata.get('authorization'));
            if (!verdict) return admit(metadata);
            refused = true;
            call.sendStatus({ code: verdict.code, details: verdict.details, metadata: null });
            onRefused(method.path, verdict.code, call.getPeer());
          },
        });
      },
    });
    const startRead = intercepted.startRead.bind(intercepted);
    intercepted.startRead = () => {
      if (!refused) startRead();
    };
    return intercepted;
  };
}
