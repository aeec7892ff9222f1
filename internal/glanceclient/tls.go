package glanceclient

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// pemPath decides, as the openstack provider does, whether value is a path (an existing file,
// after a leading ~/) or PEM text. clouds.Parse reads TLS material from files only, so PEM
// text is written to a file in a private directory (*dir, made on first need; the caller
// removes it as soon as Parse has read it).
func pemPath(value, attr string, dir *string) (string, error) {
	path := value
	if rest, ok := strings.CutPrefix(value, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	info, statErr := os.Stat(path)
	if statErr == nil && !info.IsDir() {
		return path, nil
	}
	if !strings.Contains(value, "-----BEGIN ") {
		shown := fmt.Sprintf("%q", value)
		switch {
		case attr == attrKey:
			shown = "the value" // a key pasted without its BEGIN line must not reach the output
		case len(value) > 80:
			shown = fmt.Sprintf("%q…", value[:80])
		}
		if statErr == nil {
			return "", fmt.Errorf("%s is a directory", shown)
		}
		return "", fmt.Errorf("%s: %w", shown, errors.Unwrap(statErr))
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "glance-provider-pem-") // 0700
		if err != nil {
			return "", err
		}
		*dir = d
	}
	file := filepath.Join(*dir, attr+".pem")
	return file, os.WriteFile(file, []byte(value), 0o600)
}
