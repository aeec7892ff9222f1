package glanceclient

import (
	"crypto/tls"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// ConfigError is a configuration problem that a user fixes in the provider block, the
// environment or clouds.yaml. Attr names the attribute to point the diagnostic at.
type ConfigError struct {
	Attr string
	Msg  string
}

func (e *ConfigError) Error() string { return e.Msg }

// Block is what the provider block sets, typed as its schema types it; an attribute the block
// leaves unset is absent (nil), and comes from the clouds entry or the environment.
type Block struct {
	// Settings are the string attributes of Settings, by name (an alias already read as its
	// setting).
	Settings map[string]string
	// Flags are the attributes of Flags that the block sets.
	Flags      map[string]bool
	Insecure   *bool
	MaxRetries *int64
}

// Config is the resolved configuration: each value with where it came from.
type Config struct {
	values map[string]string
	// flags are the Flags that something set; the others have their Default.
	flags    map[string]bool
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

// Flag returns the resolved value of one of Flags.
func (c *Config) Flag(attr string) bool {
	if v, ok := c.flags[attr]; ok {
		return v
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
		attrUserName, attrUserID, attrPassword, attrToken, attrApplicationCredentialID,
		attrApplicationCredentialName, attrApplicationCredentialSecret, attrProjectName, attrProjectID,
	} {
		if c.Get(attr) != "" {
			out = append(out, c.from(attr))
		}
	}
	return strings.Join(out, ", ")
}

// from says where a value came from, for messages: `token (from OS_TOKEN)`.
func (c *Config) from(attr string) string { return attr + " (from " + c.sources[attr] + ")" }

// Resolve merges the provider block, the clouds.yaml entry and the environment, and checks
// that the result can authenticate. Precedence: the provider block first; then, for region,
// endpoint_type and TLS (cacert_file, cert, key, insecure), the environment before
// clouds.yaml, as gophercloud and the openstack provider order them; for everything else
// clouds.yaml before the environment. Then the openstack provider's domain defaults
// (applyDomains).
func Resolve(block Block, getenv func(string) string) (*Config, error) {
	c := &Config{values: map[string]string{}, flags: map[string]bool{}, sources: map[string]string{}}
	for attr, v := range block.Settings {
		c.set(attr, v, "provider attribute "+attr)
	}
	for attr, v := range block.Flags {
		c.setFlag(attr, v, "provider attribute "+attr)
	}
	c.fromEnv(getenv, envFirst...)
	if err := c.fromClouds(block.Settings[AttrCloud], block.Insecure, getenv); err != nil {
		return nil, err
	}
	c.fromEnv(getenv)
	c.applyDomains()
	c.values[attrEndpointType] = strings.TrimSuffix(c.values[attrEndpointType], "URL") // publicURL is public
	if err := c.flagsFromEnv(getenv); err != nil {
		return nil, err
	}
	if err := c.maxRetries(block.MaxRetries, getenv); err != nil {
		return nil, err
	}
	if err := c.checkSwauth(); err != nil {
		return nil, err
	}
	return c, c.validate()
}

// flagsFromEnv reads the environment variables of the Flags nothing else set: each must be a
// boolean, except OS_DEBUG, which the OpenStack tools take as on for any other value.
func (c *Config) flagsFromEnv(getenv func(string) string) error {
	for _, f := range Flags {
		for _, env := range f.Env {
			v := getenv(env)
			if _, set := c.flags[f.Attr]; set || v == "" {
				continue
			}
			b, err := strconv.ParseBool(v)
			if err != nil && env != "OS_DEBUG" {
				return &ConfigError{Attr: f.Attr, Msg: fmt.Sprintf("%s (from %s) = %q is not a boolean: set it to true or "+
					"false.", f.Attr, env, v)}
			}
			c.setFlag(f.Attr, b || err != nil, env)
		}
	}
	return nil
}

// checkSwauth refuses swauth = true in the provider block; OS_SWAUTH only earns a warning,
// as the environment may be shared with tools that use it.
func (c *Config) checkSwauth() error {
	if !c.Flag(attrSwauth) {
		return nil
	}
	if c.sources[attrSwauth] != "OS_SWAUTH" {
		return &ConfigError{Attr: attrSwauth, Msg: "swauth = true asks for Swift's own authentication, which only " +
			"object storage understands: Glance accepts Keystone tokens only. Remove swauth (or set it to false) and " +
			"configure Keystone credentials."}
	}
	c.Warnings = append(c.Warnings, ConfigWarning{Attr: attrSwauth, Summary: "OS_SWAUTH is ignored",
		Detail: "OS_SWAUTH asks for Swift's own authentication, which only object storage understands; this provider " +
			"logs in to Keystone, as Glance requires, whatever OS_SWAUTH says."})
	delete(c.flags, attrSwauth)
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
		return has(named) && !has(attrToken) && !has(attrApplicationCredentialID) && !has(prefix+"_id") &&
			!has(prefix+"_name")
	}
	for _, p := range []struct{ prefix, named string }{
		{"user_domain", attrUserName}, {"project_domain", attrProjectName},
	} {
		if needs(p.prefix, p.named) {
			c.set(p.prefix+"_id", c.values[attrDomainID], c.sources[attrDomainID])
			c.set(p.prefix+"_name", c.values[attrDomainName], c.sources[attrDomainName])
			if has(p.prefix+"_id") && has(p.prefix+"_name") { // both given: the ID names it exactly
				delete(c.values, p.prefix+"_name")
			}
		}
	}
	defaultDomain, defaultFrom := c.values[attrDefaultDomain], c.sources[attrDefaultDomain]
	if defaultDomain == "" {
		defaultDomain, defaultFrom = keystoneDefaultDomain, "the default of default_domain"
	}
	userHasDomain := has(attrUserDomainID) || has(attrUserDomainName)
	if needs("project_domain", attrProjectName) && !userHasDomain {
		c.set(attrProjectDomainID, defaultDomain, defaultFrom)
	}
	if needs("user_domain", attrUserName) {
		c.set(attrUserDomainID, defaultDomain, defaultFrom)
	}
}

// set records a value and where it came from, unless a source of higher precedence already did.
func (c *Config) set(attr, v, src string) {
	if v != "" && c.values[attr] == "" {
		c.values[attr], c.sources[attr] = v, src
	}
}

// setFlag records one of Flags and where it came from, unless a source of higher precedence
// already did.
func (c *Config) setFlag(attr string, v bool, src string) {
	if _, set := c.flags[attr]; !set {
		c.flags[attr], c.sources[attr] = v, src
	}
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

// fromCloudEntry takes the values of the clouds file's entry name, as gophercloud parsed them.
func (c *Config) fromCloudEntry(name, file string, ao gophercloud.AuthOptions, eo gophercloud.EndpointOpts) {
	src := "cloud " + name + " of " + file
	for attr, v := range map[string]string{
		AttrCloud:                       name,
		AttrAuthURL:                     ao.IdentityEndpoint,
		attrUserName:                    ao.Username,
		attrUserID:                      ao.UserID,
		attrPassword:                    ao.Password,
		attrToken:                       ao.TokenID,
		attrApplicationCredentialID:     ao.ApplicationCredentialID,
		attrApplicationCredentialName:   ao.ApplicationCredentialName,
		attrApplicationCredentialSecret: ao.ApplicationCredentialSecret,
		attrUserDomainID:                ao.DomainID,
		attrUserDomainName:              ao.DomainName,
		attrProjectID:                   ao.TenantID,
		attrProjectName:                 ao.TenantName,
		AttrRegion:                      eo.Region,
	} {
		c.set(attr, v, src)
	}
	if ao.Scope != nil && ao.Scope.System {
		c.setFlag(attrSystemScope, true, src)
	}
	if ao.Scope != nil && ao.Scope.ProjectName != "" {
		c.set(attrProjectDomainID, ao.Scope.DomainID, src)
		c.set(attrProjectDomainName, ao.Scope.DomainName, src)
	}
	if eo.Availability != gophercloud.AvailabilityPublic { // public is also Parse's default
		c.set(attrEndpointType, strings.TrimSuffix(string(eo.Availability), "URL"), src)
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
}

// maxRetries sets MaxRetries: the provider block's (its schema holds it to 0–100), else
// OS_MAX_RETRIES, else DefaultMaxRetries.
func (c *Config) maxRetries(block *int64, getenv func(string) string) error {
	c.MaxRetries = DefaultMaxRetries
	if block != nil {
		c.MaxRetries, c.sources[AttrMaxRetries] = int(*block), "provider attribute "+AttrMaxRetries
		return nil
	}
	v := getenv(MaxRetriesEnv)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 100 {
		return &ConfigError{Attr: AttrMaxRetries, Msg: fmt.Sprintf("max_retries (from %s) = %q is not a number of "+
			"retries: use a whole number from 0 (no retries) to 100.", MaxRetriesEnv, v)}
	}
	c.MaxRetries, c.sources[AttrMaxRetries] = n, MaxRetriesEnv
	return nil
}

// AuthOptions turns the resolved configuration into gophercloud's, with re-authentication on.
func (c *Config) AuthOptions() gophercloud.AuthOptions {
	v := c.values
	ao := gophercloud.AuthOptions{
		IdentityEndpoint:            v[AttrAuthURL],
		Username:                    v[attrUserName],
		UserID:                      v[attrUserID],
		Password:                    v[attrPassword],
		TokenID:                     v[attrToken],
		DomainID:                    v[attrUserDomainID],
		DomainName:                  v[attrUserDomainName],
		ApplicationCredentialID:     v[attrApplicationCredentialID],
		ApplicationCredentialName:   v[attrApplicationCredentialName],
		ApplicationCredentialSecret: v[attrApplicationCredentialSecret],
		// A long apply can outlive its token: get a new one instead of failing, unless
		// allow_reauth says not to. A given token cannot be renewed (and gophercloud refuses to try).
		AllowReauth: v[attrToken] == "" && c.Flag(attrAllowReauth),
	}
	if ao.ApplicationCredentialSecret != "" {
		return ao // an application credential carries its own scope
	}
	if c.Flag(attrSystemScope) {
		ao.Scope = &gophercloud.AuthScope{System: true}
		return ao
	}
	switch {
	case v[attrProjectID] != "":
		ao.Scope = &gophercloud.AuthScope{ProjectID: v[attrProjectID]}
	case v[attrProjectName] != "":
		ao.Scope = &gophercloud.AuthScope{
			ProjectName: v[attrProjectName],
			DomainID:    v[attrProjectDomainID],
			DomainName:  v[attrProjectDomainName],
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
	if m := ImageAPIVersionPattern.FindStringSubmatch(c.values[attrImageAPIVersion]); m != nil {
		return m[1]
	}
	return ""
}

// Availability is the catalog interface to use.
func (c *Config) Availability() gophercloud.Availability {
	switch c.values[attrEndpointType] {
	case "internal":
		return gophercloud.AvailabilityInternal
	case "admin":
		return gophercloud.AvailabilityAdmin
	}
	return gophercloud.AvailabilityPublic
}
