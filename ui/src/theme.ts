import { NumberInput, PasswordInput, TextInput, Textarea, createTheme } from '@mantine/core';

// No asterisk in labels: the inputs still carry `required`, and their accessible names stay
// exactly the label ("Subject", not "Subject *") for people and browser tests alike.
const noAsterisk = { defaultProps: { withAsterisk: false } };

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  components: {
    TextInput: TextInput.extend(noAsterisk),
    Textarea: Textarea.extend(noAsterisk),
    NumberInput: NumberInput.extend(noAsterisk),
    PasswordInput: PasswordInput.extend(noAsterisk),
  },
});
