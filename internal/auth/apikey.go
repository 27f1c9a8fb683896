package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// APIKeyPrefix starts every experiment API key, so that the server (and a secret scanner) tells a key from a
// JWT at a glance.
const APIKeyPrefix = "mak_"

// NewAPIKey returns a fresh API key, mak_ and 43 characters of 256 random bits, and the hash to store.
func NewAPIKey() (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	secret = APIKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashAPIKey(secret)
}

// HashAPIKey is the stored form of a key: the hex SHA-256 of the whole key. A key carries 256 random bits, so
// a fast hash is enough (a password needs argon2id because it carries few).
func HashAPIKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// IsAPIKey reports whether a bearer token is an API key rather than a JWT.
func IsAPIKey(token string) bool { return strings.HasPrefix(token, APIKeyPrefix) }

// APIKeyShown is the part of a key shown after it was issued: the prefix and 6 characters.
func APIKeyShown(secret string) string { return secret[:min(len(secret), len(APIKeyPrefix)+6)] }
