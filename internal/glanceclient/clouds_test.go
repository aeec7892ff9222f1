package glanceclient

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// write puts content at dir/name, making dir.
func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The clouds file is found as the OpenStack tools find it: OS_CLIENT_CONFIG_FILE alone when
// set; else clouds.yaml before clouds.yml, directory by directory in order (standing for the
// current directory, ~/.config/openstack and /etc/openstack); the secure file beside it, or
// OS_CLIENT_SECURE_FILE.
func TestFindCloudsFiles_searchOrder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cwd, user, etc := filepath.Join(root, "cwd"), filepath.Join(root, "user"), filepath.Join(root, "etc")
	dirs := []string{cwd, user, etc}
	none := envOf(nil)

	if f := findCloudsFiles(none, dirs); f.clouds != "" || len(f.searched) != 6 {
		t.Errorf("no files: clouds %q, searched %v; want none, six candidates", f.clouds, f.searched)
	}
	etcYAML := write(t, etc, "clouds.yaml", "clouds: {}")
	if f := findCloudsFiles(none, dirs); f.clouds != etcYAML || f.secure != "" {
		t.Errorf("only /etc: got %q (secure %q)", f.clouds, f.secure)
	}
	userYML := write(t, user, "clouds.yml", "clouds: {}")
	userSecure := write(t, user, "secure.yml", "clouds: {}")
	if f := findCloudsFiles(none, dirs); f.clouds != userYML || f.secure != userSecure {
		t.Errorf("user's clouds.yml beats /etc: got %q (secure %q)", f.clouds, f.secure)
	}
	userYAML := write(t, user, "clouds.yaml", "clouds: {}")
	userSecureYAML := write(t, user, "secure.yaml", "clouds: {}")
	if f := findCloudsFiles(none, dirs); f.clouds != userYAML || f.secure != userSecureYAML {
		t.Errorf(".yaml before .yml: got %q (secure %q)", f.clouds, f.secure)
	}
	cwdYML := write(t, cwd, "clouds.yml", "clouds: {}")
	if f := findCloudsFiles(none, dirs); f.clouds != cwdYML || f.secure != "" {
		t.Errorf("the current directory first: got %q (secure %q, which belongs beside another file)", f.clouds, f.secure)
	}
	elsewhere := write(t, filepath.Join(root, "x"), "my-clouds.yaml", "clouds: {}")
	secret := write(t, filepath.Join(root, "y"), "my-secure.yaml", "clouds: {}")
	vars := map[string]string{"OS_CLIENT_CONFIG_FILE": elsewhere, "OS_CLIENT_SECURE_FILE": secret}
	f := findCloudsFiles(envOf(vars), dirs)
	if f.clouds != elsewhere || f.secure != secret {
		t.Errorf("OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE: got %q, %q", f.clouds, f.secure)
	}
	f = findCloudsFiles(envOf(map[string]string{"OS_CLIENT_CONFIG_FILE": filepath.Join(root, "missing.yaml")}), dirs)
	if f.clouds != "" || len(f.searched) != 1 {
		t.Errorf("a missing OS_CLIENT_CONFIG_FILE is the only candidate: got %q, searched %v", f.clouds, f.searched)
	}
	if f.public[0] != filepath.Join(cwd, "clouds-public.yaml") || len(f.public) != 6 {
		t.Errorf("clouds-public candidates: %v", f.public)
	}
}

// What Resolve reads from the files found: secure.yml's password merged over clouds.yml's
// entry, a profile from clouds-public.yml; and the errors name the file.
func TestResolve_cloudsFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "clouds.yml", `clouds:
  vendor:
    profile: acme
    auth:
      username: u
      project_name: p
  other:
    auth:
      auth_url: https://other.example/v3
`)
	write(t, dir, "secure.yml", "clouds:\n  vendor:\n    auth:\n      password: from-secure\n")
	public := write(t, dir, "clouds-public.yml", `public-clouds:
  acme:
    region_name: AcmeRegion
    auth:
      auth_url: https://acme.example/v3
`)
	files := findCloudsFiles(envOf(nil), []string{dir})
	files.public = []string{public}
	opts, err := files.parseOptions("vendor")
	if err != nil {
		t.Fatal(err)
	}
	ao, eo, _, err := parseClouds(opts)
	if err != nil {
		t.Fatal(err)
	}
	if ao.Password != "from-secure" || ao.IdentityEndpoint != "https://acme.example/v3" || eo.Region != "AcmeRegion" {
		t.Errorf("vendor: password %q, auth_url %q, region %q; want secure.yml's and the acme profile's",
			ao.Password, ao.IdentityEndpoint, eo.Region)
	}

	clouds := filepath.Join(dir, "clouds.yml")
	_, err = Resolve(Block{Settings: map[string]string{"cloud": "nope"}},
		envOf(map[string]string{"OS_CLIENT_CONFIG_FILE": clouds}))
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, `Cloud "nope" is not in `+clouds+", which has entries other, "+
		"vendor") {
		t.Errorf("unknown cloud: %v", err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	_, err = Resolve(Block{Settings: map[string]string{"cloud": "x"}},
		envOf(map[string]string{"OS_CLIENT_CONFIG_FILE": missing}))
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, `Cloud "x" is named, but no clouds file was found: looked for `+
		missing) {
		t.Errorf("no clouds file: %v", err)
	}
	cfg, err := Resolve(Block{Settings: map[string]string{"cloud": "other", "user_name": "u", "password": "p"}},
		envOf(map[string]string{"OS_CLIENT_CONFIG_FILE": clouds}))
	if err != nil || cfg.From(AttrAuthURL) != "cloud other of "+clouds {
		t.Errorf("auth_url's source: %v, %q", err, cfg.From(AttrAuthURL))
	}
}
