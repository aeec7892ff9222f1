package glanceclient

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// The provider attributes, by name: every look-up of a setting goes through these, so that a
// misspelt one does not compile instead of reading "".
const (
	AttrCloud                       = "cloud"
	AttrAuthURL                     = "auth_url"
	AttrRegion                      = "region"
	AttrUserName                    = "user_name"
	AttrUserID                      = "user_id"
	AttrPassword                    = "password"
	AttrToken                       = "token"
	AttrApplicationCredentialID     = "application_credential_id"
	AttrApplicationCredentialName   = "application_credential_name"
	AttrApplicationCredentialSecret = "application_credential_secret"
	AttrProjectID                   = "project_id"
	AttrProjectName                 = "project_name"
	AttrUserDomainName              = "user_domain_name"
	AttrUserDomainID                = "user_domain_id"
	AttrProjectDomainName           = "project_domain_name"
	AttrProjectDomainID             = "project_domain_id"
	AttrDomainName                  = "domain_name"
	AttrDomainID                    = "domain_id"
	AttrDefaultDomain               = "default_domain"
	AttrEndpointType                = "endpoint_type"
	AttrImageEndpoint               = "image_endpoint"
	AttrImageAPIVersion             = "image_api_version"
	AttrCACertFile                  = "cacert_file"
	AttrCert                        = "cert"
	AttrKey                         = "key"
	AttrMaxRetries                  = "max_retries"
	AttrInsecure                    = "insecure"
	AttrSystemScope                 = "system_scope"
	AttrAllowReauth                 = "allow_reauth"
	AttrDelayedAuth                 = "delayed_auth"
	AttrEnableLogging               = "enable_logging"
	AttrDisableNoCacheHeader        = "disable_no_cache_header"
	AttrSwauth                      = "swauth"
	AttrEndpointOverrides           = "endpoint_overrides"
)

// Setting is one provider attribute that configures the client: its name in the provider
// block and the environment variables it falls back to, first match wins.
type Setting struct {
	Attr string
	// Aliases are other names the provider block accepts for it: terraform-provider-openstack's,
	// so that its provider block can be pasted in.
	Aliases     []string
	Env         []string
	Sensitive   bool
	Description string
}

// Settings drives the provider schema, the environment fallback and the configuration errors,
// so the three never disagree. `insecure` is the one boolean and is handled beside them.
var Settings = []Setting{
	{Attr: AttrCloud, Env: []string{"OS_CLOUD"}, Description: "Name of an entry in the clouds file: " +
		"`OS_CLIENT_CONFIG_FILE`, else the first `clouds.yaml` or `clouds.yml` in the current directory, " +
		"`~/.config/openstack` or `/etc/openstack`, with `secure.yaml` beside it merged in and `profile` entries from " +
		"`clouds-public.yaml` (see Clouds files above). Its values sit between the explicit attributes (which win) and " +
		"the environment."},
	{Attr: AttrAuthURL, Env: []string{"OS_AUTH_URL"}, Description: "Keystone URL, for example " +
		"`https://keystone.example.com:5000/v3`."},
	{Attr: AttrRegion, Env: []string{"OS_REGION_NAME"}, Description: "Region of the image service in the catalog."},
	{Attr: AttrUserName, Env: []string{"OS_USERNAME"}, Description: "User name for password authentication."},
	{Attr: AttrUserID, Env: []string{"OS_USER_ID"}, Description: "User ID for password authentication."},
	{
		Attr:        AttrPassword,
		Env:         []string{"OS_PASSWORD"},
		Sensitive:   true,
		Description: "Password for password authentication.",
	},
	{Attr: AttrToken, Env: []string{"OS_TOKEN", "OS_AUTH_TOKEN"}, Sensitive: true, Description: "An existing Keystone " +
		"token to use instead of a password. It cannot be renewed when it expires."},
	{
		Attr:        AttrApplicationCredentialID,
		Env:         []string{"OS_APPLICATION_CREDENTIAL_ID"},
		Description: "Application credential ID.",
	},
	{Attr: AttrApplicationCredentialName, Env: []string{"OS_APPLICATION_CREDENTIAL_NAME"}, Description: "Application " +
		"credential name; needs `user_name` or `user_id`."},
	{
		Attr:        AttrApplicationCredentialSecret,
		Env:         []string{"OS_APPLICATION_CREDENTIAL_SECRET"},
		Sensitive:   true,
		Description: "Application credential secret.",
	},
	{
		Attr:    AttrProjectID,
		Aliases: []string{"tenant_id"},
		Env:     []string{"OS_PROJECT_ID", "OS_TENANT_ID"},
		Description: "Project to scope " +
			"the token to, by ID. `tenant_id` is another name for it.",
	},
	{
		Attr:    AttrProjectName,
		Aliases: []string{"tenant_name"},
		Env:     []string{"OS_PROJECT_NAME", "OS_TENANT_NAME"},
		Description: "Project to scope " +
			"the token to, by name. `tenant_name` is another name for it.",
	},
	{Attr: AttrUserDomainName, Env: []string{"OS_USER_DOMAIN_NAME"}, Description: "Domain of the user, by name."},
	{Attr: AttrUserDomainID, Env: []string{"OS_USER_DOMAIN_ID"}, Description: "Domain of the user, by ID."},
	{Attr: AttrProjectDomainName, Env: []string{"OS_PROJECT_DOMAIN_NAME"}, Description: "Domain of the project, by " +
		"name. Defaults to the user's domain."},
	{Attr: AttrProjectDomainID, Env: []string{"OS_PROJECT_DOMAIN_ID"}, Description: "Domain of the project, by ID. " +
		"Defaults to the user's domain."},
	{Attr: AttrDomainName, Env: []string{"OS_DOMAIN_NAME"}, Description: "Domain of both the user and the project, by " +
		"name, where `user_domain_*` and `project_domain_*` leave it unset (as in the openstack provider)."},
	{Attr: AttrDomainID, Env: []string{"OS_DOMAIN_ID"}, Description: "Domain of both the user and the project, by ID, " +
		"where `user_domain_*` and `project_domain_*` leave it unset (as in the openstack provider)."},
	{Attr: AttrDefaultDomain, Env: []string{"OS_DEFAULT_DOMAIN"}, Description: "Domain ID of a user given by name and " +
		"of a project given by name when no other domain attribute names theirs. Default `default`, Keystone's own default " +
		"domain (as in the openstack provider)."},
	{Attr: AttrEndpointType, Env: []string{"OS_INTERFACE", "OS_ENDPOINT_TYPE"}, Description: "Which catalog endpoint to " +
		"use: `public` (default), `internal` or `admin`; the older forms `publicURL`, `internalURL` and `adminURL` mean " +
		"the same."},
	{Attr: AttrImageEndpoint, Env: []string{"OS_IMAGE_ENDPOINT"}, Description: "URL of the image service, for example " +
		"`https://glance.example.com:9292`. Skips the catalog look-up."},
	{Attr: AttrImageAPIVersion, Env: []string{"OS_IMAGE_API_VERSION"}, Description: "Image API version to speak: `2`, " +
		"or `1` for a cloud that still serves only Glance's v1 (Queens or older; see the guide \"Clouds that still serve " +
		"Glance v1\"). Unset, the first call's answer tells: v2, unless the service answers it with its version document, " +
		"which the provider then reads (once per process) to choose v2 when it is listed, else v1. A minor version " +
		"(`2.0`, `1.1`) counts as its major."},
	{Attr: AttrCACertFile, Env: []string{"OS_CACERT"}, Description: "The certificate authorities to trust for TLS: " +
		"the path of a PEM file, or the PEM text itself (as the openstack provider decides: a path to an existing file " +
		"is read, anything else is taken as PEM). A leading `~/` is the home directory."},
	{Attr: AttrCert, Env: []string{"OS_CERT"}, Description: "A client certificate for TLS, as a PEM file's path or " +
		"the PEM text; needs `key`."},
	{Attr: AttrKey, Env: []string{"OS_KEY"}, Sensitive: true, Description: "The client certificate's private key, as " +
		"a PEM file's path or the PEM text; needs `cert`."},
}

// Flag is a boolean provider attribute of terraform-provider-openstack's block: its name, the
// environment variables it falls back to, and its value when neither sets it.
type Flag struct {
	Attr        string
	Env         []string
	Default     bool
	Description string
}

// Flags are the openstack provider's boolean attributes other than insecure, so that its
// provider block can be pasted in; each does here what it does there, as far as image sharing
// goes. Precedence: the provider block, then (system_scope only) clouds.yaml, then the
// environment.
var Flags = []Flag{
	{Attr: AttrSystemScope, Env: []string{"OS_SYSTEM_SCOPE"}, Description: "Ask Keystone for a system-scoped token " +
		"instead of a project-scoped one, as the openstack provider does. Glance's image member calls act for a " +
		"project, and Glance refuses a system-scoped token (the errors say so): use it only where your cloud's policy " +
		"allows it. A clouds.yaml entry with `auth.system_scope: all` sets it too."},
	{Attr: AttrAllowReauth, Env: []string{"OS_ALLOW_REAUTH"}, Default: true, Description: "Log in again when " +
		"Keystone's token expires during a long run. Default `true`; with `false`, an expired token fails the request " +
		"(HTTP 401) and says so. A given `token` is never renewed."},
	{Attr: AttrDelayedAuth, Env: []string{"OS_DELAYED_AUTH"}, Description: "Log in when the first resource or data " +
		"source needs Glance, not when the provider is configured: a plan that reads nothing from Glance then needs no " +
		"Keystone. Default `false` (the openstack provider's default is `true`): a wrong password or an unreachable " +
		"Keystone fails the plan at once, on the provider block."},
	{Attr: AttrEnableLogging, Env: []string{"OS_DEBUG"}, Description: "Log every HTTP exchange with Keystone and " +
		"Glance (secrets masked) at INFO, so that `TF_LOG=INFO` shows them; without it they are logged at DEBUG. " +
		"`OS_DEBUG` set to anything but a false value turns it on, as in the OpenStack tools."},
	{Attr: AttrDisableNoCacheHeader, Description: "Do not send `Cache-Control: no-cache` with each request to Glance. " +
		"By default it is sent, as the openstack provider does, so that a caching proxy in front of Glance never answers " +
		"a member list from its cache."},
	{Attr: AttrSwauth, Env: []string{"OS_SWAUTH"}, Description: "Refused when `true`: it is Swift's own " +
		"authentication, for object storage, and Glance accepts only Keystone tokens. Accepted as `false` so that the " +
		"openstack provider's block can be pasted in; `OS_SWAUTH` is ignored with a warning."},
}

// ConfigWarning is a setting that is accepted but does nothing here, or less than the user may
// think: the provider shows it as a warning on Attr.
type ConfigWarning struct {
	Attr, Summary, Detail string
}

// InsecureEnv is the environment fallback of the `insecure` attribute.
const InsecureEnv = "OS_INSECURE"

// EndpointTypes are the accepted values of endpoint_type: the catalog's interfaces, and the
// older forms with "URL" (openrc files of Keystone v2 days), which mean the same.
var EndpointTypes = []string{"public", "internal", "admin", "publicURL", "internalURL", "adminURL"}

// DefaultDomain is default_domain when unset: Keystone's default domain, as the openstack
// provider assumes.
const DefaultDomain = "default"

// envFirst are the settings whose environment variable beats clouds.yaml, as in gophercloud's
// clouds.Parse and the openstack provider (OS_REGION_NAME, OS_INTERFACE); TLS settings are
// ordered the same way inside fromClouds.
var envFirst = []string{AttrRegion, AttrEndpointType}

// ConfigError is a configuration problem that a user fixes in the provider block, the
// environment or clouds.yaml. Attr names the attribute to point the diagnostic at.
type ConfigError struct {
	Attr string
	Msg  string
}

func (e *ConfigError) Error() string { return e.Msg }

// Config is the resolved configuration: each value with where it came from.
type Config struct {
	values   map[string]string
	sources  map[string]string
	Insecure bool
	TLS      *tls.Config
	// MaxRetries bounds the tries after a transient failure of one request.
	MaxRetries int
	// Warnings are accepted settings that do nothing here, for the provider to show.
	Warnings []ConfigWarning
}

// Get returns the resolved value of a setting.
func (c *Config) Get(attr string) string { return c.values[attr] }

// Flag returns the resolved value of one of Flags (parsed by Resolve).
func (c *Config) Flag(attr string) bool {
	if v := c.values[attr]; v != "" {
		b, _ := strconv.ParseBool(v)
		return b
	}
	for _, f := range Flags {
		if f.Attr == attr {
			return f.Default
		}
	}
	return false
}

// From says where a setting's value came from: "provider attribute x", "OS_X", "cloud y of
// /path/clouds.yaml".
func (c *Config) From(attr string) string { return c.sources[attr] }

// Secrets are the resolved secret values, for masking in logs.
func (c *Config) Secrets() []string {
	var out []string
	for _, s := range Settings {
		if v := c.values[s.Attr]; s.Sensitive && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// credentialSources says where each credential that is set came from, for a refused login:
// a block's value wins over its cloud's, unlike in the openstack provider, so this tells which.
func (c *Config) credentialSources() string {
	var out []string
	for _, attr := range []string{
		AttrUserName, AttrUserID, AttrPassword, AttrToken, AttrApplicationCredentialID,
		AttrApplicationCredentialName, AttrApplicationCredentialSecret, AttrProjectName, AttrProjectID,
	} {
		if c.Get(attr) != "" {
			out = append(out, c.from(attr))
		}
	}
	return strings.Join(out, ", ")
}

// from says where a value came from, for messages: `token (from OS_TOKEN)`.
func (c *Config) from(attr string) string { return attr + " (from " + c.sources[attr] + ")" }

// Resolve merges the explicit provider attributes, the clouds.yaml entry and the environment,
// and checks that the result can authenticate. Precedence: the provider block first; then,
// for region, endpoint_type and TLS (cacert_file, cert, key, insecure), the environment before
// clouds.yaml, as gophercloud and the openstack provider order them; for everything else
// clouds.yaml before the environment. Then the openstack provider's domain defaults
// (applyDomains). explicit holds only the attributes set in the provider block (max_retries
// as its decimal string); insecure is nil when unset there.
func Resolve(explicit map[string]string, insecure *bool, getenv func(string) string) (*Config, error) {
	c := &Config{values: map[string]string{}, sources: map[string]string{}}
	for attr, v := range explicit {
		c.set(attr, v, "provider attribute "+attr)
	}
	c.fromEnv(getenv, envFirst...)
	if err := c.fromClouds(explicit, insecure, getenv); err != nil {
		return nil, err
	}
	c.fromEnv(getenv)
	c.applyDomains()
	c.values[AttrEndpointType] = strings.TrimSuffix(c.values[AttrEndpointType], "URL") // publicURL is public
	if err := c.parseMaxRetries(); err != nil {
		return nil, err
	}
	if err := c.checkFlags(); err != nil {
		return nil, err
	}
	return c, c.validate()
}

// checkFlags checks that each of Flags is a boolean, and refuses swauth.
func (c *Config) checkFlags() error {
	for _, f := range Flags {
		v := c.values[f.Attr]
		if v == "" {
			continue
		}
		if _, err := strconv.ParseBool(v); err != nil {
			if c.sources[f.Attr] == "OS_DEBUG" { // the OpenStack tools turn debugging on with any value
				c.values[f.Attr] = "true"
				continue
			}
			return &ConfigError{Attr: f.Attr, Msg: fmt.Sprintf("%s = %q is not a boolean: set it to true or false.",
				c.from(f.Attr), v)}
		}
	}
	if c.Flag(AttrSwauth) {
		if c.sources[AttrSwauth] != "OS_SWAUTH" {
			return &ConfigError{Attr: AttrSwauth, Msg: "swauth = true asks for Swift's own authentication, which only " +
				"object storage understands: Glance accepts Keystone tokens only. Remove swauth (or set it to false) and " +
				"configure Keystone credentials."}
		}
		c.Warnings = append(c.Warnings, ConfigWarning{Attr: AttrSwauth, Summary: "OS_SWAUTH is ignored",
			Detail: "OS_SWAUTH asks for Swift's own authentication, which only object storage understands; this provider " +
				"logs in to Keystone, as Glance requires, whatever OS_SWAUTH says."})
		delete(c.values, AttrSwauth)
	}
	return nil
}

// applyDomains fills the user's and the project's domains as the openstack provider does
// (gophercloud/utils' clientconfig): domain_id and domain_name stand for both where
// user_domain_* and project_domain_* say nothing; then default_domain (default "default") is
// the domain ID of a user named without one, and of a project named without one when the
// user has none either (otherwise the project is looked up in the user's domain, as before).
// A user or project given by ID, a token and an application credential given by ID need
// no domain, and get none.
func (c *Config) applyDomains() {
	has := func(attr string) bool { return c.values[attr] != "" }
	needs := func(prefix, named string) bool {
		// An application credential by ID carries its user and scope; by name, it needs its
		// user's domain.
		return has(named) && !has(AttrToken) && !has(AttrApplicationCredentialID) && !has(prefix+"_id") &&
			!has(prefix+"_name")
	}
	for _, p := range []struct{ prefix, named string }{
		{"user_domain", AttrUserName}, {"project_domain", AttrProjectName},
	} {
		if needs(p.prefix, p.named) {
			c.set(p.prefix+"_id", c.values[AttrDomainID], c.sources[AttrDomainID])
			c.set(p.prefix+"_name", c.values[AttrDomainName], c.sources[AttrDomainName])
			if has(p.prefix+"_id") && has(p.prefix+"_name") { // both given: the ID names it exactly
				delete(c.values, p.prefix+"_name")
			}
		}
	}
	defaultDomain, defaultFrom := c.values[AttrDefaultDomain], c.sources[AttrDefaultDomain]
	if defaultDomain == "" {
		defaultDomain, defaultFrom = DefaultDomain, "the default of default_domain"
	}
	userHasDomain := has(AttrUserDomainID) || has(AttrUserDomainName)
	if needs("project_domain", AttrProjectName) && !userHasDomain {
		c.set(AttrProjectDomainID, defaultDomain, defaultFrom)
	}
	if needs("user_domain", AttrUserName) {
		c.set(AttrUserDomainID, defaultDomain, defaultFrom)
	}
}

// set records a value and where it came from, unless a source of higher precedence already did.
func (c *Config) set(attr, v, src string) {
	if v != "" && c.values[attr] == "" {
		c.values[attr], c.sources[attr] = v, src
	}
}

// fromClouds takes the values of the clouds.yaml entry named by cloud (or OS_CLOUD), below the
// explicit ones, and the TLS settings, which gophercloud's clouds.Parse builds from the
// explicit attributes, OS_CACERT/OS_CERT/OS_KEY and the file, in that order. With no cloud
// it parses an empty entry, so that TLS is built in one place either way.
func (c *Config) fromClouds(explicit map[string]string, insecure *bool, getenv func(string) string) error {
	cloudName := explicit[AttrCloud]
	if cloudName == "" {
		cloudName = getenv("OS_CLOUD")
	}
	// The TLS files: the provider block's, else the environment's, else (inside Parse) the
	// cloud entry's. Parse would read OS_CACERT, OS_CERT and OS_KEY itself; given here, the
	// files are checked first, so that a bad one is blamed on where it came from.
	tlsFiles := map[string]string{}
	pemDir := ""
	defer func() {
		if pemDir != "" {
			_ = os.RemoveAll(pemDir)
		}
	}()
	for _, attr := range []string{AttrCACertFile, AttrCert, AttrKey} {
		value, from := explicit[attr], "provider attribute "+attr
		if value == "" {
			env := settingEnv(attr)
			value, from = getenv(env), env
		}
		if value == "" {
			continue
		}
		path, err := pemPath(value, attr, &pemDir)
		if err != nil {
			return &ConfigError{Attr: attr, Msg: fmt.Sprintf("%s (from %s) is neither a readable file nor PEM text: %s. "+
				"Give the path of a readable PEM file, or the PEM text itself (-----BEGIN …), or unset it.",
				attr, from, err)}
		}
		tlsFiles[attr] = path
	}
	opts := []clouds.ParseOption{
		// Region and interface are resolved outside Parse (envFirst), which reads the real
		// environment rather than getenv.
		clouds.WithRegion(""), clouds.WithEndpointType(""),
		clouds.WithCACertPath(tlsFiles[AttrCACertFile]),
		clouds.WithClientCertPath(tlsFiles[AttrCert]),
		clouds.WithClientKeyPath(tlsFiles[AttrKey]),
	}
	if insecure == nil && getenv(InsecureEnv) != "" {
		b, err := strconv.ParseBool(getenv(InsecureEnv))
		if err != nil {
			return &ConfigError{
				Attr: AttrInsecure,
				Msg:  fmt.Sprintf("%s=%q is not a boolean: set it to true or false.", InsecureEnv, getenv(InsecureEnv)),
			}
		}
		insecure = &b
	}
	if insecure != nil {
		opts = append(opts, clouds.WithInsecure(*insecure))
	}
	var files cloudsFiles
	if cloudName != "" {
		files = findCloudsFiles(getenv, searchDirs(getenv))
		fileOpts, err := files.parseOptions(cloudName)
		if err != nil {
			return err
		}
		opts = append(opts, fileOpts...)
	} else {
		empty := strings.NewReader("clouds: {glance: {auth: {}}}")
		opts = append(opts, clouds.WithCloudName("glance"), clouds.WithCloudsYAML(empty))
	}
	ao, eo, tlsConfig, err := parseClouds(opts)
	if err != nil && cloudName == "" { // only the TLS files can fail without a cloud
		return &ConfigError{Attr: AttrCACertFile, Msg: fmt.Sprintf("Cannot set up TLS: %s. Check cacert_file (OS_CACERT), "+
			"cert (OS_CERT) and key (OS_KEY): each must be a readable PEM file, and cert and key go together.", err)}
	}
	if err != nil {
		return cloudEntryError(cloudName, files, err)
	}
	c.TLS = tlsConfig
	c.Insecure = tlsConfig.InsecureSkipVerify
	if cloudName != "" {
		c.fromCloudEntry(cloudName, files.clouds, ao, eo)
	}
	return nil
}

// cloudEntryError explains why the named entry could not be used, naming the file it was
// looked for in, and the entries there when it has no such entry.
func cloudEntryError(cloud string, files cloudsFiles, err error) error {
	if strings.Contains(err.Error(), "not found in clouds.yaml") {
		names := files.cloudNames()
		have := "no entries"
		if len(names) > 0 {
			have = "entries " + strings.Join(names, ", ")
		}
		return &ConfigError{Attr: AttrCloud, Msg: fmt.Sprintf("Cloud %q is not in %s, which has %s. Check the cloud "+
			"name (attribute cloud or OS_CLOUD), or point OS_CLIENT_CONFIG_FILE at the file that has it.",
			cloud, files.clouds, have)}
	}
	return &ConfigError{Attr: AttrCloud, Msg: fmt.Sprintf("Cannot use cloud %q from %s: %s. Check that entry (and its "+
		"profile in clouds-public.yaml, if it names one).", cloud, files.describe(), err)}
}

// settingEnv is the environment variable of one of Settings.
func settingEnv(attr string) string {
	for _, s := range Settings {
		if s.Attr == attr {
			return s.Env[0]
		}
	}
	return ""
}

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
		case attr == AttrKey:
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

// fromCloudEntry takes the values of the clouds file's entry name, as gophercloud parsed them.
func (c *Config) fromCloudEntry(name, file string, ao gophercloud.AuthOptions, eo gophercloud.EndpointOpts) {
	src := "cloud " + name + " of " + file
	for attr, v := range map[string]string{
		AttrCloud:                       name,
		AttrAuthURL:                     ao.IdentityEndpoint,
		AttrUserName:                    ao.Username,
		AttrUserID:                      ao.UserID,
		AttrPassword:                    ao.Password,
		AttrToken:                       ao.TokenID,
		AttrApplicationCredentialID:     ao.ApplicationCredentialID,
		AttrApplicationCredentialName:   ao.ApplicationCredentialName,
		AttrApplicationCredentialSecret: ao.ApplicationCredentialSecret,
		AttrUserDomainID:                ao.DomainID,
		AttrUserDomainName:              ao.DomainName,
		AttrProjectID:                   ao.TenantID,
		AttrProjectName:                 ao.TenantName,
		AttrRegion:                      eo.Region,
	} {
		c.set(attr, v, src)
	}
	if ao.Scope != nil && ao.Scope.System {
		c.set(AttrSystemScope, "true", src)
	}
	if ao.Scope != nil && ao.Scope.ProjectName != "" {
		c.set(AttrProjectDomainID, ao.Scope.DomainID, src)
		c.set(AttrProjectDomainName, ao.Scope.DomainName, src)
	}
	if eo.Availability != gophercloud.AvailabilityPublic { // public is also Parse's default
		c.set(AttrEndpointType, strings.TrimSuffix(string(eo.Availability), "URL"), src)
	}
}

// fromEnv takes the environment's values of the given settings (all when none are given),
// below what is already set.
func (c *Config) fromEnv(getenv func(string) string, only ...string) {
	for _, s := range Settings {
		if len(only) > 0 && !slices.Contains(only, s.Attr) {
			continue
		}
		for _, env := range s.Env {
			c.set(s.Attr, getenv(env), env)
		}
	}
	if len(only) == 0 {
		c.set(AttrMaxRetries, getenv(MaxRetriesEnv), MaxRetriesEnv)
		for _, f := range Flags {
			for _, env := range f.Env {
				c.set(f.Attr, getenv(env), env)
			}
		}
	}
}

// parseMaxRetries reads max_retries, DefaultMaxRetries when unset.
func (c *Config) parseMaxRetries() error {
	c.MaxRetries = DefaultMaxRetries
	v := c.values[AttrMaxRetries]
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 100 {
		return &ConfigError{Attr: AttrMaxRetries, Msg: fmt.Sprintf("%s = %q is not a number of retries: use a whole number "+
			"from 0 (no retries) to 100.", c.from(AttrMaxRetries), v)}
	}
	c.MaxRetries = n
	return nil
}

// parseClouds is clouds.Parse, made safe: gophercloud v2.15 panics on an entry without an
// auth section.
func parseClouds(
	opts []clouds.ParseOption,
) (ao gophercloud.AuthOptions, eo gophercloud.EndpointOpts, tlsConfig *tls.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the entry could not be read (it needs an auth: section with auth_url and credentials)")
		}
	}()
	return clouds.Parse(opts...)
}

// validate reports the first problem that would keep authentication from working, naming
// the attributes and environment variables that fix it.
func (c *Config) validate() error {
	has := func(attr string) bool { return c.values[attr] != "" }
	if !has(AttrAuthURL) {
		return &ConfigError{
			Attr: AttrAuthURL,
			Msg: "No Keystone URL is configured. Set auth_url in the provider block, OS_AUTH_URL in the environment, or name " +
				"a cloud (cloud or OS_CLOUD) whose clouds.yaml entry has auth.auth_url.",
		}
	}
	if u, err := url.Parse(c.values[AttrAuthURL]); err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		return &ConfigError{
			Attr: AttrAuthURL,
			Msg: fmt.Sprintf(
				"%s = %q is not an http(s) URL. Use the Keystone URL, for example https://keystone.example.com:5000/v3.",
				c.from(AttrAuthURL),
				c.values[AttrAuthURL],
			),
		}
	}
	if has(AttrImageEndpoint) {
		if u, err := url.Parse(c.values[AttrImageEndpoint]); err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
			u.Host == "" {
			return &ConfigError{
				Attr: AttrImageEndpoint,
				Msg: fmt.Sprintf(
					"%s = %q is not an http(s) URL. Use the image service's base URL, for example https://glance.example.com:9292.",
					c.from(AttrImageEndpoint),
					c.values[AttrImageEndpoint],
				),
			}
		}
	}
	if v := c.values[AttrImageAPIVersion]; v != "" && c.ImageAPI() == "" {
		return &ConfigError{
			Attr: AttrImageAPIVersion,
			Msg: fmt.Sprintf(
				"%s = %q is not an Image API version the provider speaks: use \"2\" or \"1\", or leave it unset to detect it.",
				c.from(AttrImageAPIVersion),
				v,
			),
		}
	}
	if et := c.values[AttrEndpointType]; et != "" && !slices.Contains(EndpointTypes, et) {
		return &ConfigError{
			Attr: AttrEndpointType,
			Msg: fmt.Sprintf(
				"%s = %q is not one of public, internal, admin (or publicURL, internalURL, adminURL).",
				c.from(AttrEndpointType),
				et,
			),
		}
	}

	// Exactly one way to authenticate.
	var methods []string
	if has(AttrPassword) {
		methods = append(methods, c.from(AttrPassword))
	}
	if has(AttrToken) {
		methods = append(methods, c.from(AttrToken))
	}
	if has(AttrApplicationCredentialSecret) {
		methods = append(methods, c.from(AttrApplicationCredentialSecret))
	}
	switch {
	case len(methods) == 0:
		return &ConfigError{
			Attr: AttrPassword,
			Msg: "No credentials are configured. Set one of: password (OS_PASSWORD) with user_name or user_id; token " +
				"(OS_TOKEN); application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET) with application_credential_id — " +
				"in the provider block, the environment, or the clouds.yaml entry named by cloud.",
		}
	case len(methods) > 1:
		return &ConfigError{
			Attr: AttrToken,
			Msg: fmt.Sprintf(
				"More than one way to authenticate is configured: %s. Keep exactly one of them.",
				strings.Join(methods, ", "),
			),
		}
	}
	switch {
	case has(AttrPassword):
		if !has(AttrUserName) && !has(AttrUserID) {
			return &ConfigError{
				Attr: AttrUserName,
				Msg: fmt.Sprintf(
					"%s is set but no user is: set user_name (OS_USERNAME) or user_id (OS_USER_ID).",
					c.from(AttrPassword),
				),
			}
		}
	case has(AttrApplicationCredentialSecret):
		if !has(AttrApplicationCredentialID) && !has(AttrApplicationCredentialName) {
			return &ConfigError{
				Attr: AttrApplicationCredentialID,
				Msg: fmt.Sprintf(
					"%s is set but no application credential is named: set application_credential_id (OS_APPLICATION_CREDENTIAL_ID).",
					c.from(AttrApplicationCredentialSecret),
				),
			}
		}
		if has(AttrApplicationCredentialName) && !has(AttrApplicationCredentialID) && !has(AttrUserName) && !has(AttrUserID) {
			return &ConfigError{
				Attr: AttrUserName,
				Msg: "application_credential_name needs its user: set user_id or user_name, or use application_credential_id " +
					"instead.",
			}
		}
	}
	if has(AttrProjectID) && has(AttrProjectName) {
		return &ConfigError{
			Attr: AttrProjectName,
			Msg:  fmt.Sprintf("Both %s and %s are set: keep one of them.", c.from(AttrProjectID), c.from(AttrProjectName)),
		}
	}
	return nil
}

// AuthOptions turns the resolved configuration into gophercloud's, with re-authentication on.
func (c *Config) AuthOptions() gophercloud.AuthOptions {
	v := c.values
	ao := gophercloud.AuthOptions{
		IdentityEndpoint:            v[AttrAuthURL],
		Username:                    v[AttrUserName],
		UserID:                      v[AttrUserID],
		Password:                    v[AttrPassword],
		TokenID:                     v[AttrToken],
		DomainID:                    v[AttrUserDomainID],
		DomainName:                  v[AttrUserDomainName],
		ApplicationCredentialID:     v[AttrApplicationCredentialID],
		ApplicationCredentialName:   v[AttrApplicationCredentialName],
		ApplicationCredentialSecret: v[AttrApplicationCredentialSecret],
		// A long apply can outlive its token: get a new one instead of failing, unless
		// allow_reauth says not to. A given token cannot be renewed (and gophercloud refuses to try).
		AllowReauth: v[AttrToken] == "" && c.Flag(AttrAllowReauth),
	}
	if ao.ApplicationCredentialSecret != "" {
		return ao // an application credential carries its own scope
	}
	if c.Flag(AttrSystemScope) {
		ao.Scope = &gophercloud.AuthScope{System: true}
		return ao
	}
	switch {
	case v[AttrProjectID] != "":
		ao.Scope = &gophercloud.AuthScope{ProjectID: v[AttrProjectID]}
	case v[AttrProjectName] != "":
		ao.Scope = &gophercloud.AuthScope{
			ProjectName: v[AttrProjectName],
			DomainID:    v[AttrProjectDomainID],
			DomainName:  v[AttrProjectDomainName],
		}
		if ao.Scope.DomainID == "" && ao.Scope.DomainName == "" {
			ao.Scope.DomainID, ao.Scope.DomainName = ao.DomainID, ao.DomainName
		}
	}
	return ao
}

// ImageAPIVersionPattern is what image_api_version accepts: "2" or "1", with an optional
// "v" and minor version ("2.0", "v1.1"). The provider schema validates with it too.
var ImageAPIVersionPattern = regexp.MustCompile(`^[vV]?([12])(\.\d+)?$`)

// ImageAPI is image_api_version as ImageAPIv1 or ImageAPIv2 ("1.1" and "v1" count as "1"),
// or "" when it is unset (detect it) or names no version the provider speaks.
func (c *Config) ImageAPI() string {
	if m := ImageAPIVersionPattern.FindStringSubmatch(c.values[AttrImageAPIVersion]); m != nil {
		return m[1]
	}
	return ""
}

// Availability is the catalog interface to use.
func (c *Config) Availability() gophercloud.Availability {
	switch c.values[AttrEndpointType] {
	case "internal":
		return gophercloud.AvailabilityInternal
	case "admin":
		return gophercloud.AvailabilityAdmin
	}
	return gophercloud.AvailabilityPublic
}
