//go:build !unix

package procfs

import "errors"

// RaiseNoFile is not supported on this system.
func RaiseNoFile() (uint64, error) { return 0, errors.New("procfs: open-files limit is Unix only") }
