/**
 * Password managers (and Chrome's form checks) expect a user name next to a
 * password field; this gives them the account the password belongs to.
 */
export function HiddenUsername({ name }: { name: string }) {
  return <input type="text" name="username" autoComplete="username" value={name} readOnly hidden />;
}
