// Steps through the web UI by the accessible names it promises (see README.md), for tests
// that need to be logged in before they start.
export function loginForm(page) {
  return {
    username: page.getByLabel('Username', { exact: true }),
    password: page.getByLabel('Password', { exact: true }),
    submit: page.getByRole('button', { name: 'Log in', exact: true }),
  };
}

export function logoutButton(page) {
  return page.getByRole('button', { name: 'Log out', exact: true });
}

// Opens / (which shows the login form), logs in and waits for the logged-in page.
export async function logIn(page, { username, password }) {
  await page.goto('/');
  const form = loginForm(page);
  await form.username.fill(username);
  await form.password.fill(password);
  await form.submit.click();
  await logoutButton(page).waitFor();
}
