// Command composecheck checks docker-compose.yml without Docker: the YAML parses, the keys are Compose's,
// interpolations are well formed, every depends_on names a service (with a health check when it waits for
// service_healthy), and the file has what this project's deployment needs (PostgreSQL with pg_isready, the
// server built here with its env file, health check, port on every interface, /metrics on a port that is not
// published, and a DATABASE_URL with sslmode=disable). It does
// not replace `docker compose config`; scripts/check-compose runs both when it can.
//
//	go run ./scripts/composecheck [docker-compose.yml]
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	path := "docker-compose.yml"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
	problems := Check(data, filepath.Dir(path))
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "composecheck: %s: %s\n", path, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("composecheck: %s: ok\n", path)
}
