// Loads docker-compose.yml the way `docker compose config` does (compose-go: interpolation,
// the compose-spec schema, anchors and merges, dependency cycles) without a Docker engine.
// Usage (from .ci/compose-check): go run . <compose file> — exits 1 with the loader's message when the file is invalid.
// With -expect-missing VAR[,VAR…] it checks instead that loading without those variables fails
// naming each of them (the file's required secrets).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	expectMissing := flag.String("expect-missing", "", "comma-separated variables that must be required")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [-expect-missing A,B] <docker-compose.yml>")
		os.Exit(2)
	}
	file, err := filepath.Abs(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	if *expectMissing == "" {
		project, err := load(file)
		if err != nil {
			fail(err)
		}
		fmt.Printf("compose-check: %s is valid: services %s\n", file, strings.Join(project.ServiceNames(), ", "))
		return
	}
	for _, name := range strings.Split(*expectMissing, ",") {
		os.Unsetenv(name)
		_, err := load(file)
		if err == nil || !strings.Contains(err.Error(), name) {
			fail(fmt.Errorf("without %s the file should be refused naming it; got: %v", name, err))
		}
		fmt.Printf("compose-check: without %s: refused (%s)\n", name, firstLine(err.Error()))
		restore(name)
	}
}

var saved = map[string]string{}

func init() {
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			saved[k] = v
		}
	}
}

func restore(name string) {
	if v, ok := saved[name]; ok {
		os.Setenv(name, v)
	}
}

func load(file string) (interface{ ServiceNames() []string }, error) {
	options, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithName("retention"))
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-check:", err)
	os.Exit(1)
}
