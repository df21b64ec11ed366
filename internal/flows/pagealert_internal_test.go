package flows

import "testing"

// TestPageAlert: the message of a page's alert, the local lab's (role="alert") and the
// classic hosted UI's (class errorMessage-customizable); a hidden or empty one is none.
func TestPageAlert(t *testing.T) {
	for body, want := range map[string]string{
		`<main><p class="error" role="alert">Incorrect username or password.</p></main>`: "Incorrect username or password.",
		`<p id="loginErrorMessage" class="errorMessage-customizable">Incorrect   username
		 or password.</p>`: "Incorrect username or password.",
		`<p class="errorMessage-customizable" style="display: none"></p><div role="alert"></div><p>Sign in</p>`:                             "",
		`<style>.error{color:red}</style><form><input name="password"></form>`:                                                              "",
		`<p role="alert">User is not confirmed. <a href="/confirmUser?username=a">Confirm your account with the code you received.</a></p>`: "User is not confirmed. Confirm your account with the code you received.",
	} {
		if got := pageAlert([]byte(body)); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}
