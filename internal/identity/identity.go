// Package identity keeps user accounts: sign-up, log-in, password changes, log-out (token revocation),
// account deletion and roles, and turns a bearer token into the viewer of a request. It stores users with
// ent and uses package auth for hashing, tokens and the log-in rate limit; it knows nothing of GraphQL.
package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/privacy"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/experimentkey"
	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/viewer"
)

// Config configures a Service. Zero values: OWASP argon2id parameters, 5 failures per 15 minutes.
type Config struct {
	Tokens      *auth.Tokens
	Argon2      auth.Argon2Params
	MaxFailures int           // failed log-ins per email within Window before RATE_LIMITED; 4× per client address
	Window      time.Duration // sliding window of the log-in limit, and of the sign-up limit
	MaxSignUps  int           // sign-ups per client address within Window before RATE_LIMITED (default 20)
	Now         func() time.Time
}

// Service implements the account operations.
type Service struct {
	client *ent.Client
	cfg    Config
	byMail auth.Limiter
	byAddr auth.Limiter
	signUp auth.Limiter // sign-ups per client address
	// dummy is a hash of a random password, verified when the email is unknown so that an unknown email
	// and a wrong password take about the same time.
	dummy string
}

// New returns a Service that stores users with client (or the transaction client in the context).
func New(client *ent.Client, cfg Config) (*Service, error) {
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.OWASPParams
	}
	if cfg.MaxFailures == 0 {
		cfg.MaxFailures = 5
	}
	if cfg.Window == 0 {
		cfg.Window = 15 * time.Minute
	}
	if cfg.MaxSignUps == 0 {
		cfg.MaxSignUps = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dummy, err := auth.HashPassword("not-a-password-anyone-has", cfg.Argon2)
	if err != nil {
		return nil, err
	}
	return &Service{
		client: client,
		cfg:    cfg,
		byMail: auth.Limiter{Max: cfg.MaxFailures, Window: cfg.Window},
		byAddr: auth.Limiter{Max: 4 * cfg.MaxFailures, Window: cfg.Window},
		signUp: auth.Limiter{Max: cfg.MaxSignUps, Window: cfg.Window},
		dummy:  dummy,
	}, nil
}

// Result is a signed-in user and their token.
type Result struct {
	Token     string
	ExpiresAt time.Time
	User      *ent.User
}

// system lets trusted code read and write users regardless of the viewer.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

func (s *Service) ent(ctx context.Context) *ent.Client { return database.ClientFrom(ctx, s.client) }

// NormalizeEmail trims and lower-cases an address; addresses are compared in lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

var errCredentials = apperr.Unauth("wrong email or password")

// SignUp creates a FREE account and signs it in. One client address may sign up MaxSignUps times per Window
// (accepted or not); more is refused with RATE_LIMITED.
func (s *Service) SignUp(ctx context.Context, email, password, name, clientAddr string) (*Result, error) {
	now, key := s.cfg.Now(), "addr:"+clientAddr
	if blocked, until := s.signUp.Blocked(key, now); blocked {
		return nil, apperr.Limited(until, now, "too many sign-ups from your address: try again after %s", until.UTC().Format(time.RFC3339))
	}
	s.signUp.Fail(key, now)
	u, err := s.Create(ctx, email, password, name, viewer.RoleFree)
	if err != nil {
		return nil, err
	}
	return s.issue(u)
}

// Create creates an account with a role (sign-up, and the CLI that bootstraps an admin).
func (s *Service) Create(ctx context.Context, email, password, name string, role viewer.Role) (*ent.User, error) {
	email = NormalizeEmail(email)
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return nil, apperr.Input("password", "password %s", err)
	}
	if len(name) > 200 {
		return nil, apperr.Input("name", "name must be at most 200 characters")
	}
	if !role.Valid() {
		return nil, apperr.Input("role", "unknown role %q", role)
	}
	ctx = system(ctx)
	taken, err := s.ent(ctx).User.Query().Where(user.Email(email)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, errTaken
	}
	hash, err := auth.HashPassword(password, s.cfg.Argon2)
	if err != nil {
		return nil, err
	}
	u, err := s.ent(ctx).User.Create().
		SetEmail(email).SetPasswordHash(hash).SetName(strings.TrimSpace(name)).SetRole(role).
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, errTaken // a concurrent sign-up won the race
	}
	return u, err
}

var errTaken = apperr.Input("email", "an account with this email already exists: log in instead")

// LogIn checks an email and password. Repeated failures for one email or one client address are refused
// with RATE_LIMITED until the window passes, even with the right password.
func (s *Service) LogIn(ctx context.Context, email, password, clientAddr string) (*Result, error) {
	email = NormalizeEmail(email)
	now := s.cfg.Now()
	mailKey, addrKey := "email:"+email, "addr:"+clientAddr
	for _, l := range []struct {
		lim *auth.Limiter
		key string
	}{{&s.byMail, mailKey}, {&s.byAddr, addrKey}} {
		if blocked, until := l.lim.Blocked(l.key, now); blocked {
			return nil, apperr.Limited(until, now, "too many failed log-ins: try again after %s", until.UTC().Format(time.RFC3339))
		}
	}
	ctx = system(ctx)
	u, err := s.ent(ctx).User.Query().Where(user.Email(email)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		_ = auth.VerifyPassword(password, s.dummy)
		s.byMail.Fail(mailKey, now)
		s.byAddr.Fail(addrKey, now)
		return nil, errCredentials
	case err != nil:
		return nil, err
	}
	if err := auth.VerifyPassword(password, u.PasswordHash); err != nil {
		s.byMail.Fail(mailKey, now)
		s.byAddr.Fail(addrKey, now)
		return nil, errCredentials
	}
	s.byMail.Reset(mailKey)
	return s.issue(u)
}

// ChangePassword sets a new password for the viewer; every earlier token is revoked and a new one returned.
func (s *Service) ChangePassword(ctx context.Context, current, next string) (*Result, error) {
	u, err := s.viewerRow(ctx)
	if err != nil {
		return nil, err
	}
	if err := auth.VerifyPassword(current, u.PasswordHash); err != nil {
		return nil, apperr.Input("currentPassword", "the current password is wrong")
	}
	if err := auth.CheckPasswordPolicy(next); err != nil {
		return nil, apperr.Input("newPassword", "new password %s", err)
	}
	hash, err := auth.HashPassword(next, s.cfg.Argon2)
	if err != nil {
		return nil, err
	}
	u, err = u.Update().SetPasswordHash(hash).AddTokenVersion(1).Save(system(ctx))
	if err != nil {
		return nil, err
	}
	return s.issue(u)
}

// LogOut revokes every token of the viewer.
func (s *Service) LogOut(ctx context.Context) error {
	v := viewer.FromContext(ctx)
	if v == nil {
		return apperr.Unauth("sign in first")
	}
	return s.ent(ctx).User.UpdateOneID(v.ID).AddTokenVersion(1).Exec(system(ctx))
}

// DeleteMe deletes the viewer's account and, by cascade, everything it owns, after checking the password.
func (s *Service) DeleteMe(ctx context.Context, password string) (int, error) {
	u, err := s.viewerRow(ctx)
	if err != nil {
		return 0, err
	}
	if err := auth.VerifyPassword(password, u.PasswordHash); err != nil {
		return 0, apperr.Input("password", "the password is wrong")
	}
	return u.ID, s.ent(ctx).User.DeleteOneID(u.ID).Exec(system(ctx))
}

// SetRole changes a user's role (admins only, through the privacy policy) and revokes their tokens.
func (s *Service) SetRole(ctx context.Context, userID int, role viewer.Role) (*ent.User, error) {
	u, err := s.ent(ctx).User.UpdateOneID(userID).SetRole(role).AddTokenVersion(1).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("user")
	}
	return u, err
}

// DeleteUser deletes a user and everything they own (admins only, through the privacy policy).
func (s *Service) DeleteUser(ctx context.Context, userID int) (int, error) {
	err := s.ent(ctx).User.DeleteOneID(userID).Exec(ctx)
	if ent.IsNotFound(err) {
		return 0, apperr.Missing("user")
	}
	return userID, err
}

// Authenticate turns a bearer token into the viewer it stands for: the signature, issuer, audience and
// expiry must hold, and the user must still exist at the token's version. The returned reason says why a
// token was refused.
func (s *Service) Authenticate(ctx context.Context, token string) (*viewer.Viewer, *ent.User, error) {
	if auth.IsAPIKey(token) {
		return s.authenticateKey(ctx, token)
	}
	c, err := s.cfg.Tokens.Verify(token)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.ent(ctx).User.Get(system(ctx), c.UserID)
	switch {
	case ent.IsNotFound(err):
		return nil, nil, ErrRevoked
	case err != nil:
		return nil, nil, fmt.Errorf("load viewer: %w", err)
	case u.TokenVersion != c.Version:
		return nil, nil, ErrRevoked
	}
	return &viewer.Viewer{ID: u.ID, Role: u.Role}, u, nil
}

// Claims checks a bearer token's signature, issuer, audience and expiry, without the database: the first
// half of Authenticate, for callers that check the user's row themselves (graph/compiled folds it into the
// statement that answers the request).
func (s *Service) Claims(token string) (auth.Claims, error) { return s.cfg.Tokens.Verify(token) }

// ErrRevoked is returned for a token issued before a log-out, password or role change, or account deletion.
var ErrRevoked = errors.New("token revoked")

// Reasons an experiment API key is refused.
var (
	ErrKeyUnknown = errors.New("unknown API key")
	ErrKeyRevoked = errors.New("API key revoked")
)

// authenticateKey turns an experiment API key into its owner as a viewer scoped to the key's experiment. It
// does not depend on the owner's sessions: logging out or changing the password leaves the key working;
// revoking it, or deleting the experiment or the account, ends it.
func (s *Service) authenticateKey(ctx context.Context, secret string) (*viewer.Viewer, *ent.User, error) {
	k, err := s.ent(ctx).ExperimentKey.Query().Where(experimentkey.SecretHash(auth.HashAPIKey(secret))).WithOwner().Only(system(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, nil, ErrKeyUnknown
	case err != nil:
		return nil, nil, fmt.Errorf("load API key: %w", err)
	case k.RevokedAt != nil:
		return nil, nil, ErrKeyRevoked
	}
	u := k.Edges.Owner
	return &viewer.Viewer{ID: u.ID, Role: u.Role, Scope: &viewer.Scope{ExperimentID: k.ExperimentID, KeyID: k.ID}}, u, nil
}

func (s *Service) viewerRow(ctx context.Context) (*ent.User, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, apperr.Unauth("sign in first")
	}
	return s.ent(ctx).User.Get(system(ctx), v.ID)
}

func (s *Service) issue(u *ent.User) (*Result, error) {
	tok, exp, err := s.cfg.Tokens.Issue(u.ID, u.TokenVersion)
	if err != nil {
		return nil, err
	}
	return &Result{Token: tok, ExpiresAt: exp, User: u}, nil
}

type userKey struct{}

// WithUser returns ctx carrying the viewer's user row as Authenticate loaded it.
func WithUser(ctx context.Context, u *ent.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// Me returns the viewer's user row, or nil for an anonymous caller. Outside a transaction it is the row the
// request's authentication already read; inside one it is read again through the transaction.
func (s *Service) Me(ctx context.Context) (*ent.User, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, nil
	}
	if _, inTx := database.TxFromContext(ctx); !inTx {
		if u, ok := ctx.Value(userKey{}).(*ent.User); ok && u.ID == v.ID {
			return u, nil
		}
	}
	return s.ent(ctx).User.Get(ctx, v.ID)
}
