// A database URL without its password, for messages, plans and reports: the one helper every
// database kind (and the decision's target list) uses. No imports, so the reports and the
// renderer can load it.

/** Replaces the password of every URL in `text` ("user:pw@", "?password=pw") with ***. */
export function redactDsnPassword(text: string): string {
  return text
    .replace(/(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@]*@/g, '$1:***@')
    .replace(/([?&]password=)[^&#\s]*/gi, '$1***');
}
