// Sample values for the live preview: what a typical contact might hold.
export const SAMPLE_EMAIL = 'alice@example.com';
export const SAMPLE_UNSUBSCRIBE_URL = 'https://mailmark.example/unsubscribe/sample';
export const DEFAULT_SAMPLE_VALUES: Record<string, string> = {
  firstName: 'Alice',
  lastName: 'Martin',
  company: 'Acme Corp',
  market: 'Southeast Asia',
};
// Offered as chips even before any template uses them.
export const SUGGESTED_FIELDS = ['firstName', 'lastName', 'company'];
