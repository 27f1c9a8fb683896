package graph_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const (
	signUpQ = `mutation($e: String!, $p: String!) { signUp(input: {email: $e, password: $p, name: "N"}) { token expiresAt user { id email role } } }`
	logInQ  = `mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { token user { email } } }`
	meQ     = `{ me { id email role } }`
)

func eachBackend(t *testing.T, f func(t *testing.T, b testutil.Backend)) {
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			f(t, b)
		})
	}
}

func TestSignUpAndLogIn(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		anon := s.Client("")

		var up struct {
			SignUp struct {
				Token     string
				ExpiresAt time.Time
				User      struct{ ID, Email, Role string }
			}
		}
		anon.MustDo(t, signUpQ, map[string]any{"e": "  Ada@Example.COM ", "p": "long enough"}, &up)
		require.Equal(t, "ada@example.com", up.SignUp.User.Email, "emails are stored lower-case")
		require.Equal(t, "FREE", up.SignUp.User.Role)
		require.WithinDuration(t, time.Now().Add(7*24*time.Hour), up.SignUp.ExpiresAt, time.Minute, "JWT_EXPIRES_IN defaults to 7 days")

		var me struct{ Me *struct{ ID, Email string } }
		s.Client(up.SignUp.Token).MustDo(t, meQ, nil, &me)
		require.NotNil(t, me.Me)
		require.Equal(t, up.SignUp.User.ID, me.Me.ID)

		anon.MustDo(t, meQ, nil, &me)
		require.Nil(t, me.Me, "me is null when anonymous")

		var in struct{ LogIn struct{ Token string } }
		anon.MustDo(t, logInQ, map[string]any{"e": "ADA@example.com", "p": "long enough"}, &in)
		require.NotEmpty(t, in.LogIn.Token)

		t.Run("duplicate email in any letter case", func(t *testing.T) {
			e := anon.Err(t, signUpQ, map[string]any{"e": "ada@EXAMPLE.com", "p": "long enough"})
			require.Equal(t, "BAD_USER_INPUT", e.Code())
			require.Equal(t, "email", e.Extensions["field"])
			require.Contains(t, e.Message, "already exists")
		})
		t.Run("weak password", func(t *testing.T) {
			e := anon.Err(t, signUpQ, map[string]any{"e": "weak@example.com", "p": "short"})
			require.Equal(t, "BAD_USER_INPUT", e.Code())
			require.Equal(t, "password", e.Extensions["field"])
			require.Contains(t, e.Message, "at least 8")
		})
		t.Run("malformed email", func(t *testing.T) {
			for _, bad := range []string{"no-at-sign", "a@b", "a b@example.com", "@example.com"} {
				e := anon.Err(t, signUpQ, map[string]any{"e": bad, "p": "long enough"})
				require.Equal(t, "BAD_USER_INPUT", e.Code(), bad)
				require.Equal(t, "email", e.Extensions["field"], bad)
				require.True(t, strings.HasPrefix(e.Message, "email ") && !strings.Contains(e.Message, "email: email"), e.Message)
			}
			e := anon.Err(t, signUpQ, map[string]any{"e": "no-at-sign", "p": "long enough"})
			require.Equal(t, "email must look like name@example.com", e.Message)
		})
		t.Run("wrong password and unknown email give the same error", func(t *testing.T) {
			wrong := anon.Err(t, logInQ, map[string]any{"e": "ada@example.com", "p": "wrong password"})
			unknown := anon.Err(t, logInQ, map[string]any{"e": "nobody@example.com", "p": "wrong password"})
			require.Equal(t, "UNAUTHENTICATED", wrong.Code())
			require.Equal(t, wrong.Message, unknown.Message)
			require.Equal(t, wrong.Code(), unknown.Code())
		})
	})
}

func TestLogInRateLimit(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"LOGIN_MAX_FAILURES": "3"}})
	s.SignUp(t, "rl@example.com", viewer.RoleFree)
	anon := s.Client("")
	for range 3 {
		require.Equal(t, "UNAUTHENTICATED", anon.Err(t, logInQ, map[string]any{"e": "rl@example.com", "p": "nope-nope"}).Code())
	}
	e := anon.Err(t, logInQ, map[string]any{"e": "rl@example.com", "p": "password-123"})
	require.Equal(t, "RATE_LIMITED", e.Code(), "even the right password is refused while limited")
	require.Positive(t, e.Extensions["retryAfter"])
	require.NotEmpty(t, e.Extensions["resetAt"])

	// Per client address: 4× the per-email limit across different emails.
	for i := range 12 {
		anon.Err(t, logInQ, map[string]any{"e": "x" + strings.Repeat("y", i) + "@example.com", "p": "nope-nope"})
	}
	e = anon.Err(t, logInQ, map[string]any{"e": "fresh@example.com", "p": "nope-nope"})
	require.Equal(t, "RATE_LIMITED", e.Code())
}

func TestTokensStopWorking(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		requireUnauth := func(t *testing.T, token, contains string) {
			t.Helper()
			e := s.Client(token).Err(t, `{ scenarios { totalCount } }`, nil)
			require.Equal(t, "UNAUTHENTICATED", e.Code())
			require.Contains(t, e.Message, contains)
		}
		ok := func(t *testing.T, token string) {
			t.Helper()
			s.Client(token).MustDo(t, `{ scenarios { totalCount } }`, nil, nil)
		}

		t.Run("after a password change", func(t *testing.T) {
			u := s.SignUp(t, "pw@example.com", viewer.RoleFree)
			var out struct{ ChangePassword struct{ Token string } }
			s.Client(u.Token).MustDo(t, `mutation { changePassword(input: {currentPassword: "password-123", newPassword: "another-password"}) { token } }`, nil, &out)
			requireUnauth(t, u.Token, "revoked")
			ok(t, out.ChangePassword.Token)
			s.Client("").MustDo(t, logInQ, map[string]any{"e": u.Email, "p": "another-password"}, nil)
			e := s.Client(out.ChangePassword.Token).Err(t, `mutation { changePassword(input: {currentPassword: "wrong-one!", newPassword: "x-another-password"}) { token } }`, nil)
			require.Equal(t, "BAD_USER_INPUT", e.Code())
			require.Equal(t, "currentPassword", e.Extensions["field"])
		})
		t.Run("after log-out", func(t *testing.T) {
			u := s.SignUp(t, "out@example.com", viewer.RoleFree)
			var second struct{ LogIn struct{ Token string } }
			s.Client("").MustDo(t, logInQ, map[string]any{"e": u.Email, "p": "password-123"}, &second)
			s.Client(u.Token).MustDo(t, `mutation { logOut }`, nil, nil)
			requireUnauth(t, u.Token, "revoked")
			requireUnauth(t, second.LogIn.Token, "revoked")
		})
		t.Run("demoted user with an old token", func(t *testing.T) {
			admin := s.SignUp(t, "admin@example.com", viewer.RoleAdmin)
			u := s.SignUp(t, "ent@example.com", viewer.RoleEnterprise)
			s.Client(admin.Token).MustDo(t, `mutation($id: ID!) { setUserRole(userId: $id, role: FREE) { role } }`, map[string]any{"id": u.ID}, nil)
			requireUnauth(t, u.Token, "revoked")
			var in struct{ LogIn struct{ Token string } }
			s.Client("").MustDo(t, logInQ, map[string]any{"e": u.Email, "p": "password-123"}, &in)
			e := s.Client(in.LogIn.Token).Err(t, `mutation { createDeployment(input: {modelName: "m", provider: AWS, region: "us-east-1", config: {}}) { id } }`, nil)
			require.Equal(t, "FORBIDDEN", e.Code())
		})
		t.Run("after the account is deleted", func(t *testing.T) {
			u := s.SignUp(t, "gone@example.com", viewer.RoleFree)
			s.Client(u.Token).MustDo(t, `mutation { createScenario(input: {name: "s", config: {taskComplexity: LOW, dataVolume: 1, responseTimeSLA: 1, inputTokens: 500, outputTokens: 200}}) { id } }`, nil, nil)
			e := s.Client(u.Token).Err(t, `mutation { deleteMe(input: {password: "wrong-one!"}) }`, nil)
			require.Equal(t, "BAD_USER_INPUT", e.Code())
			var del struct{ DeleteMe string }
			s.Client(u.Token).MustDo(t, `mutation { deleteMe(input: {password: "password-123"}) }`, nil, &del)
			require.Equal(t, u.ID, del.DeleteMe)
			requireUnauth(t, u.Token, "revoked")
			n, err := s.DB.Client.Scenario.Query().Count(testutil.System())
			require.NoError(t, err)
			require.Zero(t, n, "the account's rows are deleted with it")
		})
	})
}

func TestBadTokens(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "tok@example.com", viewer.RoleFree)
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
		require.NoError(t, err)
		return tok
	}
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": itoa(u.RowID), "ver": 0, "iss": "model-architect", "aud": "model-architect-api",
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	}
	expired := valid()
	expired["exp"] = time.Now().Add(-time.Hour).Unix()
	wrongAud := valid()
	wrongAud["aud"] = "someone-else"
	noExp := valid()
	delete(noExp, "exp")
	parts := strings.Split(u.Token, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]

	for _, tc := range []struct {
		name, token, contains string
	}{
		{"control: a token we sign ourselves works", sign(jwt.SigningMethodHS256, []byte(testutil.TestSecret), valid()), ""},
		{"expired", sign(jwt.SigningMethodHS256, []byte(testutil.TestSecret), expired), "expired"},
		{"tampered payload", tampered, "invalid"},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid()), "invalid"},
		{"HS512 is not accepted", sign(jwt.SigningMethodHS512, []byte(testutil.TestSecret), valid()), "invalid"},
		{"other secret", sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-0000"), valid()), "invalid"},
		{"wrong audience", sign(jwt.SigningMethodHS256, []byte(testutil.TestSecret), wrongAud), "invalid"},
		{"no expiry", sign(jwt.SigningMethodHS256, []byte(testutil.TestSecret), noExp), "invalid"},
		{"garbage", "not.a.token", "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Client(tc.token).Do(t, `{ scenarios { totalCount } }`, nil)
			if tc.contains == "" {
				require.Empty(t, r.Errors)
				return
			}
			require.Len(t, r.Errors, 1)
			require.Equal(t, http.StatusUnauthorized, r.Status)
			require.Equal(t, "UNAUTHENTICATED", r.Errors[0].Code())
			require.Contains(t, r.Errors[0].Message, tc.contains)
		})
	}
}

// TestSignUpRateLimit: one client address may sign up SIGNUP_MAX_PER_ADDRESS times per LOGIN_WINDOW
// (refused attempts count too); then RATE_LIMITED with when to retry, and no account is created.
func TestSignUpRateLimit(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"SIGNUP_MAX_PER_ADDRESS": "3"}})
	c := s.Client("")
	const q = `mutation($e: String!) { signUp(input: {email: $e, password: "password-123"}) { token } }`
	c.MustDo(t, q, map[string]any{"e": "one@example.com"}, nil)
	require.Equal(t, "BAD_USER_INPUT", c.Err(t, q, map[string]any{"e": "one@example.com"}).Code(), "taken: counts as an attempt")
	c.MustDo(t, q, map[string]any{"e": "two@example.com"}, nil)
	e := c.Err(t, q, map[string]any{"e": "three@example.com"})
	require.Equal(t, "RATE_LIMITED", e.Code())
	require.Contains(t, e.Message, "too many sign-ups from your address")
	require.Positive(t, e.Extensions["retryAfter"])
	n, err := s.DB.Client.User.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 2, n)
}
