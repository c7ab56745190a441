/** The locale numbers and dates are shown in: sv-SE unless the page says otherwise (?locale=de-DE). */
export const LOCALE = new URLSearchParams(location.search).get('locale') ?? 'sv-SE';
