package events

import (
	"net/url"
	"strings"
)

// withApplicationName sets application_name in a lib/pq connection string of either form. Errors never
// quote the DSN, which may hold a password.
func withApplicationName(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", &ValidationError{Field: "DSN", Reason: "is not a valid postgres:// URL"}
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// In the key=value form the last setting of a key wins.
	esc := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name)
	return dsn + " application_name='" + esc + "'", nil
}
