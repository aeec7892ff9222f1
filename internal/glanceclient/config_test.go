package glanceclient

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/gophercloud/gophercloud/v2"
)

const testClouds = `clouds:
  prod:
    region_name: YamlRegion
    interface: internal
    auth:
      auth_url: https://yaml.example:5000/v3
      username: yaml-user
      password: yaml-pass
      project_name: yaml-project
      user_domain_name: YamlDomain
      project_domain_name: YamlProjectDomain
  noauth:
    region_name: R
`

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeClouds(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := os.WriteFile(p, []byte(testClouds), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolvePrecedence(t *testing.T) {
	t.Parallel()
	clouds := writeClouds(t)
	env := map[string]string{
		"OS_CLIENT_CONFIG_FILE": clouds,
		"OS_AUTH_URL":           "https://env.example:5000/v3",
		"OS_REGION_NAME":        "EnvRegion",
		"OS_USERNAME":           "env-user",
		"OS_PASSWORD":           "env-pass",
		"OS_USER_DOMAIN_NAME":   "EnvDomain",
		"OS_PROJECT_NAME":       "env-project",
		"OS_INTERFACE":          "admin",
	}
	cases := []struct {
		name     string
		explicit map[string]string
		want     map[string]string
	}{
		{
			name: "environment alone",
			want: map[string]string{
				"auth_url":      "https://env.example:5000/v3",
				"user_name":     "env-user",
				"region":        "EnvRegion",
				"endpoint_type": "admin",
				"project_name":  "env-project",
			},
		},
		{
			// region and interface: the environment first, as gophercloud and the openstack provider
			name:     "clouds.yaml beats the environment, except for region and interface",
			explicit: map[string]string{"cloud": "prod"},
			want: map[string]string{
				"auth_url":            "https://yaml.example:5000/v3",
				"user_name":           "yaml-user",
				"password":            "yaml-pass",
				"region":              "EnvRegion",
				"endpoint_type":       "admin",
				"user_domain_name":    "YamlDomain",
				"project_domain_name": "YamlProjectDomain",
				"project_name":        "yaml-project",
			},
		},
		{
			name: "explicit attributes beat clouds.yaml",
			explicit: map[string]string{
				"cloud":         "prod",
				"region":        "ExplicitRegion",
				"user_name":     "explicit-user",
				"endpoint_type": "public",
			},
			want: map[string]string{
				"auth_url":      "https://yaml.example:5000/v3",
				"user_name":     "explicit-user",
				"region":        "ExplicitRegion",
				"endpoint_type": "public",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Resolve(Block{Settings: tc.explicit}, envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if got := c.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestResolveOSCloudFromEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Resolve(Block{},
		envOf(map[string]string{"OS_CLOUD": "prod", "OS_CLIENT_CONFIG_FILE": writeClouds(t), "OS_USERNAME": "env-user"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("user_name") != "yaml-user" {
		t.Errorf("user_name = %q: OS_CLOUD's entry must beat OS_USERNAME", c.Get("user_name"))
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	clouds := writeClouds(t)
	base := map[string]string{
		"auth_url":         "https://k.example/v3",
		"user_name":        "u",
		"user_domain_name": "Default",
		"password":         "p",
	}
	with := func(extra map[string]string, drop ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for _, k := range drop {
			delete(m, k)
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name     string
		explicit map[string]string
		env      map[string]string
		attr     string
		contains []string
	}{
		{"no auth_url", with(nil, "auth_url"), nil, "auth_url", []string{"auth_url", "OS_AUTH_URL", "cloud"}},
		{
			"auth_url not a URL",
			with(map[string]string{"auth_url": "keystone:5000"}),
			nil,
			"auth_url",
			[]string{"not an http(s) URL"},
		},
		{
			"no credentials",
			with(nil, "password"),
			nil,
			"password",
			[]string{"No credentials", "OS_PASSWORD", "OS_TOKEN", "application_credential_secret"},
		},
		{"password and token", with(nil), map[string]string{"OS_TOKEN": "tok"}, "token",
			[]string{"More than one way", "password (from provider attribute password)", "token (from OS_TOKEN)"}},
		{"password without user", with(nil, "user_name"), nil, "user_name", []string{"user_name", "user_id"}},
		{
			"project id and name",
			with(map[string]string{"project_id": "a", "project_name": "b"}),
			nil,
			"project_name",
			[]string{"project_id", "project_name"},
		},
		{
			"app credential secret alone",
			map[string]string{"auth_url": "https://k.example/v3", "application_credential_secret": "s"},
			nil,
			"application_credential_id",
			[]string{"application_credential_id"},
		},
		{
			"bad endpoint_type from env",
			with(nil),
			map[string]string{"OS_INTERFACE": "private"},
			"endpoint_type",
			[]string{"OS_INTERFACE", "public, internal, admin"},
		},
		{
			"bad OS_INSECURE",
			with(nil),
			map[string]string{"OS_INSECURE": "maybe"},
			"insecure",
			[]string{"OS_INSECURE", "true or false"},
		},
		{
			"unknown cloud",
			map[string]string{"cloud": "nope"},
			map[string]string{"OS_CLIENT_CONFIG_FILE": clouds},
			"cloud",
			[]string{`Cloud "nope" is not in ` + clouds + ", which has entries noauth, prod"},
		},
		{
			"cloud without auth section",
			map[string]string{"cloud": "noauth"},
			map[string]string{"OS_CLIENT_CONFIG_FILE": clouds},
			"cloud",
			[]string{`cloud "noauth"`, "auth: section"},
		},
		{
			"OS_MAX_RETRIES not a number",
			with(nil),
			map[string]string{"OS_MAX_RETRIES": "lots"},
			"max_retries",
			[]string{"max_retries (from OS_MAX_RETRIES)", `"lots"`, "0 (no retries) to 100"},
		},
		{
			"OS_MAX_RETRIES negative",
			with(nil),
			map[string]string{"OS_MAX_RETRIES": "-1"},
			"max_retries",
			[]string{"OS_MAX_RETRIES"},
		},
		{
			"OS_IMAGE_API_VERSION 3",
			with(nil),
			map[string]string{"OS_IMAGE_API_VERSION": "3"},
			"image_api_version",
			[]string{"image_api_version " +
				"(from OS_IMAGE_API_VERSION)", `"3"`, `use "2" or "1"`},
		},
		{
			"image_api_version words",
			with(map[string]string{"image_api_version": "two"}),
			nil,
			"image_api_version",
			[]string{"provider attribute image_api_version", `"two"`},
		},
		{
			"image_endpoint not a URL",
			with(map[string]string{"image_endpoint": "glance"}),
			nil,
			"image_endpoint",
			[]string{"image_endpoint", "not an http(s) URL"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Resolve(Block{Settings: tc.explicit}, envOf(tc.env))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("want a ConfigError, got %v", err)
			}
			if ce.Attr != tc.attr {
				t.Errorf("error points at %q, want %q", ce.Attr, tc.attr)
			}
			for _, s := range tc.contains {
				if !strings.Contains(ce.Msg, s) {
					t.Errorf("message %q does not mention %q", ce.Msg, s)
				}
			}
		})
	}
}

func TestAuthOptions(t *testing.T) {
	t.Parallel()
	c, err := Resolve(Block{Settings: map[string]string{
		"auth_url":         "https://k.example/v3",
		"user_name":        "u",
		"user_domain_name": "Users",
		"password":         "p",
		"project_name":     "proj",
	}}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	ao := c.AuthOptions()
	if !ao.AllowReauth {
		t.Error("re-authentication must be on")
	}
	want := gophercloud.AuthScope{ProjectName: "proj", DomainName: "Users"}
	if ao.Scope == nil || *ao.Scope != want {
		t.Errorf("scope = %+v, want %+v (project domain defaults to the user's)", ao.Scope, want)
	}
	if got := c.Secrets(); len(got) != 1 || got[0] != "p" {
		t.Errorf("secrets = %v, want [p]", got)
	}

	app, err := Resolve(Block{Settings: map[string]string{
		"auth_url":                      "https://k.example/v3",
		"application_credential_id":     "id",
		"application_credential_secret": "s",
		"project_name":                  "ignored",
		"user_domain_name":              "D",
	}}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if app.AuthOptions().Scope != nil {
		t.Error("an application credential carries its own scope: none must be sent")
	}
}

func TestResolveInsecure(t *testing.T) {
	t.Parallel()
	base := map[string]string{"auth_url": "https://k.example/v3", "token": "t"}
	off := false
	for _, tc := range []struct {
		name     string
		explicit *bool
		env      string
		want     bool
	}{
		{"default", nil, "", false},
		{"from env", nil, "true", true},
		{"explicit false beats env", &off, "true", false},
	} {
		c, err := Resolve(Block{Settings: base, Insecure: tc.explicit}, envOf(map[string]string{"OS_INSECURE": tc.env}))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Insecure != tc.want || c.TLS.InsecureSkipVerify != tc.want {
			t.Errorf("%s: insecure = %v, want %v", tc.name, c.Insecure, tc.want)
		}
	}
}

func TestResolveMaxRetries(t *testing.T) {
	t.Parallel()
	base := map[string]string{"auth_url": "https://k.example/v3", "token": "t"}
	zero := int64(0)
	for _, tc := range []struct {
		name  string
		block *int64
		env   string
		want  int
	}{
		{"default", nil, "", DefaultMaxRetries},
		{"from env", nil, "9", 9},
		{"attribute beats env", &zero, "9", 0},
	} {
		c, err := Resolve(Block{Settings: base, MaxRetries: tc.block}, envOf(map[string]string{"OS_MAX_RETRIES": tc.env}))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.MaxRetries != tc.want {
			t.Errorf("%s: max_retries = %d, want %d", tc.name, c.MaxRetries, tc.want)
		}
	}
}

// image_api_version, from the attribute or OS_IMAGE_API_VERSION (openrc files often set
// "2"), as the major version; unset means detect.
func TestResolveImageAPIVersion(t *testing.T) {
	t.Parallel()
	base := map[string]string{"auth_url": "https://k.example/v3", "token": "t"}
	for _, tc := range []struct {
		attr, env, want string
	}{
		{"", "", ""},
		{"", "2", ImageAPIv2},
		{"", "2.0", ImageAPIv2},
		{"", "1.1", ImageAPIv1},
		{"1", "2", ImageAPIv1}, // the attribute beats the environment
		{"v2", "", ImageAPIv2},
	} {
		explicit := map[string]string{"image_api_version": tc.attr}
		for k, v := range base {
			explicit[k] = v
		}
		c, err := Resolve(Block{Settings: explicit}, envOf(map[string]string{"OS_IMAGE_API_VERSION": tc.env}))
		if err != nil {
			t.Fatalf("attribute %q, env %q: %v", tc.attr, tc.env, err)
		}
		if got := c.ImageAPI(); got != tc.want {
			t.Errorf("attribute %q, env %q: ImageAPI() = %q, want %q", tc.attr, tc.env, got, tc.want)
		}
	}
}

// The openstack provider's names and defaults: tenant_* are project_* (aliases are merged by
// the provider block, here the environment's OS_TENANT_*), domain_* stand for both domains,
// default_domain (default "default") for a name without one, and the "URL" interfaces.
func TestResolveOpenstackConventions(t *testing.T) {
	t.Parallel()
	openrc := map[string]string{
		"OS_AUTH_URL":    "https://k.example/v3",
		"OS_USERNAME":    "u",
		"OS_PASSWORD":    "p",
		"OS_TENANT_NAME": "t",
		"OS_INTERFACE":   "publicURL",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range openrc {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name     string
		explicit map[string]string
		env      map[string]string
		want     map[string]string
	}{
		{"openrc without domains", nil, openrc,
			map[string]string{
				"project_name": "t", "user_domain_id": "default", "project_domain_id": "default", "endpoint_type": "public",
			}},
		{"OS_DEFAULT_DOMAIN", nil, with(map[string]string{"OS_DEFAULT_DOMAIN": "d1"}),
			map[string]string{"user_domain_id": "d1", "project_domain_id": "d1"}},
		{"OS_DOMAIN_NAME for both", nil, with(map[string]string{"OS_DOMAIN_NAME": "Corp"}),
			map[string]string{
				"user_domain_name": "Corp", "project_domain_name": "Corp", "user_domain_id": "", "project_domain_id": "",
			}},
		{"user domain given: the project is looked up there", nil, with(map[string]string{"OS_USER_DOMAIN_NAME": "Corp"}),
			map[string]string{
				"user_domain_name": "Corp", "user_domain_id": "", "project_domain_id": "", "project_domain_name": "",
			}},
		{"project by ID needs no domain", nil,
			map[string]string{
				"OS_AUTH_URL": "https://k.example/v3", "OS_USER_ID": "uid", "OS_PASSWORD": "p", "OS_TENANT_ID": "tid",
			},
			map[string]string{"project_id": "tid", "user_domain_id": "", "project_domain_id": ""}},
		{"a token gets no domain", nil, map[string]string{
			"OS_AUTH_URL": "https://k.example/v3", "OS_TOKEN": "tok", "OS_PROJECT_NAME": "t", "OS_PROJECT_DOMAIN_ID": "default",
		},
			map[string]string{"user_domain_id": ""}},
		{"adminURL", map[string]string{"endpoint_type": "adminURL"}, openrc, map[string]string{"endpoint_type": "admin"}},
	} {
		c, err := Resolve(Block{Settings: tc.explicit}, envOf(tc.env))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for k, want := range tc.want {
			if got := c.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got, want)
			}
		}
	}
}

// A TLS file that cannot be read is blamed on where it came from, even when a cloud is named.
func TestResolveTLSFileBlamesItsSource(t *testing.T) {
	t.Parallel()
	_, err := Resolve(Block{Settings: map[string]string{"cloud": "prod"}},
		envOf(map[string]string{"OS_CLIENT_CONFIG_FILE": writeClouds(t), "OS_CACERT": "/nonexistent/ca.pem"}))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Attr != "cacert_file" || !strings.Contains(ce.Msg, "cacert_file (from OS_CACERT)") ||
		strings.Contains(ce.Msg, "clouds.yaml") {
		t.Errorf("got %v; want an error on cacert_file naming OS_CACERT, not the cloud entry", err)
	}
}

// The openstack provider's boolean attributes: defaults, the provider block over the
// environment, OS_DEBUG's any-value, a bad value blamed on its source, swauth refused in the
// block and ignored with a warning from the environment, system_scope from clouds.yaml.
func TestResolveFlags(t *testing.T) {
	t.Parallel()
	base := map[string]string{"auth_url": "https://k.example/v3", "user_name": "u", "password": "p", "project_name": "x"}
	flags := func(set map[string]bool) Block { return Block{Settings: base, Flags: set} }
	cfg, err := Resolve(Block{Settings: base}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	for attr, want := range map[string]bool{attrAllowReauth: true, AttrDelayedAuth: false, attrSystemScope: false,
		attrEnableLogging: false, attrDisableNoCacheHeader: false, attrSwauth: false} {
		if got := cfg.Flag(attr); got != want {
			t.Errorf("default %s = %v, want %v", attr, got, want)
		}
	}
	if !cfg.AuthOptions().AllowReauth {
		t.Error("AllowReauth off by default")
	}

	_, err = Resolve(flags(map[string]bool{attrAllowReauth: false}),
		envOf(map[string]string{"OS_ALLOW_REAUTH": "true", "OS_DEBUG": "1", "OS_DELAYED_AUTH": "yes"}))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Attr != AttrDelayedAuth ||
		!strings.Contains(ce.Msg, "delayed_auth (from OS_DELAYED_AUTH)") {
		t.Fatalf("OS_DELAYED_AUTH=yes: %v; want an error naming OS_DELAYED_AUTH", err)
	}
	cfg, err = Resolve(flags(map[string]bool{attrAllowReauth: false}),
		envOf(map[string]string{"OS_ALLOW_REAUTH": "true", "OS_DEBUG": "1", "OS_DELAYED_AUTH": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Flag(attrAllowReauth) || cfg.AuthOptions().AllowReauth || cfg.From(attrAllowReauth) != "provider attribute "+
		"allow_reauth" {
		t.Errorf("allow_reauth = false in the block lost to OS_ALLOW_REAUTH (from %s)", cfg.From(attrAllowReauth))
	}
	if !cfg.Flag(attrEnableLogging) || !cfg.Flag(AttrDelayedAuth) {
		t.Errorf("OS_DEBUG=1 / OS_DELAYED_AUTH=true: enable_logging %v, delayed_auth %v", cfg.Flag(attrEnableLogging),
			cfg.Flag(AttrDelayedAuth))
	}
	if cfg, _ := Resolve(flags(nil), envOf(map[string]string{"OS_DEBUG": "false"})); cfg.Flag(attrEnableLogging) {
		t.Error("OS_DEBUG=false turned logging on")
	}

	_, err = Resolve(flags(map[string]bool{attrSwauth: true}), envOf(nil))
	if !errors.As(err, &ce) || ce.Attr != attrSwauth || !strings.Contains(ce.Msg, "Glance accepts Keystone tokens only") {
		t.Errorf("swauth = true: %v; want it refused, saying why", err)
	}
	cfg, err = Resolve(flags(map[string]bool{attrSwauth: false}), envOf(map[string]string{"OS_SWAUTH": "true"}))
	if err != nil || len(cfg.Warnings) != 0 {
		t.Errorf("swauth = false in the block, OS_SWAUTH=true: %v, warnings %v; want neither", err, cfg.Warnings)
	}
	cfg, err = Resolve(Block{Settings: base}, envOf(map[string]string{"OS_SWAUTH": "true"}))
	if err != nil || len(cfg.Warnings) != 1 || cfg.Warnings[0].Attr != attrSwauth {
		t.Errorf("OS_SWAUTH=true: %v, warnings %v; want one warning", err, cfg.Warnings)
	}

	cfg, err = Resolve(flags(map[string]bool{attrSystemScope: true}), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.AuthOptions().Scope; s == nil || !s.System || s.ProjectName != "" {
		t.Errorf("system_scope = true: scope %+v, want the system's", s)
	}
	clouds := filepath.Join(t.TempDir(), "clouds.yaml")
	yaml := "clouds:\n  sys:\n    auth:\n      auth_url: https://k.example/v3\n      username: u\n      password: p\n" +
		"      user_domain_name: Default\n      system_scope: all\n"
	if err := os.WriteFile(clouds, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = Resolve(Block{Settings: map[string]string{"cloud": "sys"}},
		envOf(map[string]string{"OS_CLIENT_CONFIG_FILE": clouds}))
	if err != nil || !cfg.Flag(attrSystemScope) || cfg.From(attrSystemScope) != "cloud sys of "+clouds {
		t.Errorf("auth.system_scope: all in clouds.yaml: %v, system_scope %v", err, cfg.Flag(attrSystemScope))
	}
}

// cacert_file, cert and key take PEM text as well as a path, from the block or the
// environment, as the openstack provider does; neither is blamed on its source.
func TestResolveTLSAsPEMText(t *testing.T) {
	t.Parallel()
	ca := proxytest.NewCA(t)
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	base := map[string]string{"auth_url": "https://k.example/v3", "user_name": "u", "password": "p"}
	for _, tc := range []struct {
		name     string
		explicit map[string]string
		env      map[string]string
	}{
		{"PEM text in the block", map[string]string{attrCACertFile: read(ca.CertFile), attrCert: read(ca.ClientCert),
			attrKey: read(ca.ClientKey)}, nil},
		{"PEM text in the environment", nil, map[string]string{"OS_CACERT": read(ca.CertFile),
			"OS_CERT": read(ca.ClientCert), "OS_KEY": read(ca.ClientKey)}},
		{"paths and text mixed", map[string]string{attrCACertFile: ca.CertFile, attrKey: read(ca.ClientKey)},
			map[string]string{"OS_CERT": ca.ClientCert}},
	} {
		explicit := map[string]string{}
		for k, v := range base {
			explicit[k] = v
		}
		for k, v := range tc.explicit {
			explicit[k] = v
		}
		cfg, err := Resolve(Block{Settings: explicit}, envOf(tc.env))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if cfg.TLS.RootCAs == nil || len(cfg.TLS.Certificates) != 1 {
			t.Errorf("%s: RootCAs %v, %d client certificates; want the CA and one", tc.name, cfg.TLS.RootCAs != nil,
				len(cfg.TLS.Certificates))
		}
	}
	login := map[string]string{"auth_url": "https://k.example/v3", "user_name": "u", "password": "p"}
	_, err := Resolve(Block{Settings: map[string]string{"auth_url": "https://k.example/v3", "user_name": "u",
		"password": "p", attrCert: ca.ClientCert}},
		envOf(map[string]string{"OS_KEY": "MHcCAQEEIsecret-key-without-its-BEGIN-line"}))
	if err == nil || !strings.Contains(err.Error(), "key (from OS_KEY) is neither a readable file nor PEM text") ||
		strings.Contains(err.Error(), "secret-key") {
		t.Errorf("a key that is neither: %v; want an error naming OS_KEY, without the key", err)
	}
	_, err = Resolve(Block{Settings: login},
		envOf(map[string]string{"OS_CACERT": "not a path and not PEM"}))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Attr != attrCACertFile ||
		!strings.Contains(ce.Msg, "cacert_file (from OS_CACERT) is neither a readable file nor PEM text") {
		t.Errorf("neither a path nor PEM: %v", err)
	}
}
