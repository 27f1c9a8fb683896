package auth

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Tokens issues and verifies HS256 access tokens.
type Tokens struct {
	Secret   []byte
	Issuer   string
	Audience string
	TTL      time.Duration
	Now      func() time.Time // nil: time.Now
}

// Claims are what a token says: the user's row id, and the token version it was issued under.
type Claims struct {
	UserID  int
	Version int
	Expires time.Time
}

type jwtClaims struct {
	Version int `json:"ver"`
	jwt.RegisteredClaims
}

// Reasons a token is refused; all of them mean "sign in again".
var (
	ErrTokenExpired = errors.New("token expired")
	ErrTokenInvalid = errors.New("token invalid")
)

func (t *Tokens) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Issue returns a signed token for a user at a token version, and when it expires.
func (t *Tokens) Issue(userID, version int) (string, time.Time, error) {
	now := t.now().Truncate(time.Second)
	exp := now.Add(t.TTL)
	c := jwtClaims{
		Version: version,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.Itoa(userID),
			Issuer:    t.Issuer,
			Audience:  jwt.ClaimStrings{t.Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.Secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return s, exp, nil
}

// Verify checks a token's signature (HS256 only), issuer, audience and expiry and returns its claims.
func (t *Tokens) Verify(token string) (Claims, error) {
	var c jwtClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(t.Issuer),
		jwt.WithAudience(t.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(t.now),
		jwt.WithLeeway(5*time.Second),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, ErrTokenExpired
	case err != nil:
		return Claims{}, ErrTokenInvalid
	}
	// A token must not outlive JWT_EXPIRES_IN, whoever signed it: one with exp in year 9999 is refused even
	// if the secret leaked once and was rotated late.
	if c.IssuedAt == nil || c.ExpiresAt.Sub(c.IssuedAt.Time) > t.TTL+time.Minute {
		return Claims{}, ErrTokenInvalid
	}
	id, err := strconv.Atoi(c.Subject)
	if err != nil || id <= 0 {
		return Claims{}, ErrTokenInvalid
	}
	return Claims{UserID: id, Version: c.Version, Expires: c.ExpiresAt.Time}, nil
}
