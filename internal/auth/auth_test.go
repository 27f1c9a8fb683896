package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/auth"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	p := auth.Argon2Params{MemoryKiB: 1024, Time: 1, Threads: 1}
	h, err := auth.HashPassword("correct horse", p)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$"), h)
	require.NoError(t, auth.VerifyPassword("correct horse", h))
	require.ErrorIs(t, auth.VerifyPassword("correct horsE", h), auth.ErrMismatch)
	h2, err := auth.HashPassword("correct horse", p)
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "each hash has its own salt")
	require.Error(t, auth.VerifyPassword("x", "$2a$10$bcrypt-is-not-accepted"))
}

func TestOWASPParams(t *testing.T) {
	t.Parallel()
	// OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1.
	require.Equal(t, auth.Argon2Params{MemoryKiB: 19456, Time: 2, Threads: 1}, auth.OWASPParams)
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw string
		ok bool
	}{{"1234567", false}, {"12345678", true}, {"        ", false}, {"ñññññññ", false}, {"ññññññññ", true}, {strings.Repeat("x", 257), false}} {
		err := auth.CheckPasswordPolicy(tc.pw)
		require.Equal(t, tc.ok, err == nil, "%q: %v", tc.pw, err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tk := &auth.Tokens{Secret: []byte("0123456789abcdef0123456789abcdef"), Issuer: "iss", Audience: "aud", TTL: time.Hour, Now: func() time.Time { return now }}
	tok, exp, err := tk.Issue(42, 3)
	require.NoError(t, err)
	require.Equal(t, now.Add(time.Hour), exp)
	c, err := tk.Verify(tok)
	require.NoError(t, err)
	require.Equal(t, 42, c.UserID)
	require.Equal(t, 3, c.Version)

	later := *tk
	later.Now = func() time.Time { return now.Add(2 * time.Hour) }
	_, err = later.Verify(tok)
	require.ErrorIs(t, err, auth.ErrTokenExpired)

	other := *tk
	other.Audience = "someone-else"
	_, err = other.Verify(tok)
	require.ErrorIs(t, err, auth.ErrTokenInvalid)
	other = *tk
	other.Issuer = "x"
	_, err = other.Verify(tok)
	require.ErrorIs(t, err, auth.ErrTokenInvalid)

	// A token signed with the secret but living longer than TTL (here a century) is refused.
	long := *tk
	long.TTL = 24 * time.Hour * 365 * 100 // a century
	forever, _, err := long.Issue(42, 3)
	require.NoError(t, err)
	_, err = tk.Verify(forever)
	require.ErrorIs(t, err, auth.ErrTokenInvalid)
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	l := &auth.Limiter{Max: 3, Window: time.Minute}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		blocked, _ := l.Blocked("k", t0.Add(time.Duration(i)*time.Second))
		require.False(t, blocked)
		l.Fail("k", t0.Add(time.Duration(i)*time.Second))
	}
	blocked, until := l.Blocked("k", t0.Add(3*time.Second))
	require.True(t, blocked)
	require.Equal(t, t0.Add(time.Minute), until, "free again when the oldest counted failure leaves the window")
	blocked, _ = l.Blocked("other", t0)
	require.False(t, blocked, "keys are independent")
	blocked, _ = l.Blocked("k", t0.Add(time.Minute))
	require.False(t, blocked)
	l.Fail("k", t0.Add(61*time.Second))
	l.Reset("k")
	blocked, _ = l.Blocked("k", t0.Add(62*time.Second))
	require.False(t, blocked)
}
