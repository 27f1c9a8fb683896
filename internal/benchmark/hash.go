package benchmark

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// HashPrefix starts every hash ContentHash returns.
const HashPrefix = "sha256:"

// ContentHash identifies a list of items by content: "sha256:" and the hex SHA-256 of their JSON encoding (fields
// in Item's order), so equal items give equal hashes.
func ContentHash(items []Item) string {
	b, err := json.Marshal(items)
	if err != nil { // Item holds only strings, numbers and string lists
		panic(err)
	}
	sum := sha256.Sum256(b)
	return HashPrefix + hex.EncodeToString(sum[:])
}
