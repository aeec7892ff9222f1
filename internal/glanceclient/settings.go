package glanceclient

// The provider attributes, by name: every look-up of a setting goes through these, so that a
// misspelt one does not compile instead of reading "".
const (
	AttrCloud                       = "cloud"
	AttrAuthURL                     = "auth_url"
	AttrRegion                      = "region"
	attrUserName                    = "user_name"
	attrUserID                      = "user_id"
	attrPassword                    = "password"
	attrToken                       = "token"
	attrApplicationCredentialID     = "application_credential_id"
	attrApplicationCredentialName   = "application_credential_name"
	attrApplicationCredentialSecret = "application_credential_secret"
	attrProjectID                   = "project_id"
	attrProjectName                 = "project_name"
	attrUserDomainName              = "user_domain_name"
	attrUserDomainID                = "user_domain_id"
	attrProjectDomainName           = "project_domain_name"
	attrProjectDomainID             = "project_domain_id"
	attrDomainName                  = "domain_name"
	attrDomainID                    = "domain_id"
	attrDefaultDomain               = "default_domain"
	attrEndpointType                = "endpoint_type"
	AttrImageEndpoint               = "image_endpoint"
	attrImageAPIVersion             = "image_api_version"
	attrCACertFile                  = "cacert_file"
	attrCert                        = "cert"
	attrKey                         = "key"
	AttrMaxRetries                  = "max_retries"
	attrInsecure                    = "insecure"
	attrSystemScope                 = "system_scope"
	attrAllowReauth                 = "allow_reauth"
	AttrDelayedAuth                 = "delayed_auth"
	attrEnableLogging               = "enable_logging"
	attrDisableNoCacheHeader        = "disable_no_cache_header"
	attrSwauth                      = "swauth"
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
	{Attr: attrUserName, Env: []string{"OS_USERNAME"}, Description: "User name for password authentication."},
	{Attr: attrUserID, Env: []string{"OS_USER_ID"}, Description: "User ID for password authentication."},
	{
		Attr:        attrPassword,
		Env:         []string{"OS_PASSWORD"},
		Sensitive:   true,
		Description: "Password for password authentication.",
	},
	{Attr: attrToken, Env: []string{"OS_TOKEN", "OS_AUTH_TOKEN"}, Sensitive: true, Description: "An existing Keystone " +
		"token to use instead of a password. It cannot be renewed when it expires."},
	{
		Attr:        attrApplicationCredentialID,
		Env:         []string{"OS_APPLICATION_CREDENTIAL_ID"},
		Description: "Application credential ID.",
	},
	{Attr: attrApplicationCredentialName, Env: []string{"OS_APPLICATION_CREDENTIAL_NAME"}, Description: "Application " +
		"credential name; needs `user_name` or `user_id`."},
	{
		Attr:        attrApplicationCredentialSecret,
		Env:         []string{"OS_APPLICATION_CREDENTIAL_SECRET"},
		Sensitive:   true,
		Description: "Application credential secret.",
	},
	{
		Attr:    attrProjectID,
		Aliases: []string{"tenant_id"},
		Env:     []string{"OS_PROJECT_ID", "OS_TENANT_ID"},
		Description: "Project to scope " +
			"the token to, by ID. `tenant_id` is another name for it.",
	},
	{
		Attr:    attrProjectName,
		Aliases: []string{"tenant_name"},
		Env:     []string{"OS_PROJECT_NAME", "OS_TENANT_NAME"},
		Description: "Project to scope " +
			"the token to, by name. `tenant_name` is another name for it.",
	},
	{Attr: attrUserDomainName, Env: []string{"OS_USER_DOMAIN_NAME"}, Description: "Domain of the user, by name."},
	{Attr: attrUserDomainID, Env: []string{"OS_USER_DOMAIN_ID"}, Description: "Domain of the user, by ID."},
	{Attr: attrProjectDomainName, Env: []string{"OS_PROJECT_DOMAIN_NAME"}, Description: "Domain of the project, by " +
		"name. Defaults to the user's domain."},
	{Attr: attrProjectDomainID, Env: []string{"OS_PROJECT_DOMAIN_ID"}, Description: "Domain of the project, by ID. " +
		"Defaults to the user's domain."},
	{Attr: attrDomainName, Env: []string{"OS_DOMAIN_NAME"}, Description: "Domain of both the user and the project, by " +
		"name, where `user_domain_*` and `project_domain_*` leave it unset (as in the openstack provider)."},
	{Attr: attrDomainID, Env: []string{"OS_DOMAIN_ID"}, Description: "Domain of both the user and the project, by ID, " +
		"where `user_domain_*` and `project_domain_*` leave it unset (as in the openstack provider)."},
	{Attr: attrDefaultDomain, Env: []string{"OS_DEFAULT_DOMAIN"}, Description: "Domain ID of a user given by name and " +
		"of a project given by name when no other domain attribute names theirs. Default `default`, Keystone's own default " +
		"domain (as in the openstack provider)."},
	{Attr: attrEndpointType, Env: []string{"OS_INTERFACE", "OS_ENDPOINT_TYPE"}, Description: "Which catalog endpoint to " +
		"use: `public` (default), `internal` or `admin`; the older forms `publicURL`, `internalURL` and `adminURL` mean " +
		"the same."},
	{Attr: AttrImageEndpoint, Env: []string{"OS_IMAGE_ENDPOINT"}, Description: "URL of the image service, for example " +
		"`https://glance.example.com:9292`. Skips the catalog look-up."},
	{Attr: attrImageAPIVersion, Env: []string{"OS_IMAGE_API_VERSION"}, Description: "Image API version to speak: `2`, " +
		"or `1` for a cloud that still serves only Glance's v1 (Queens or older; see the guide \"Clouds that still serve " +
		"Glance v1\"). Unset, the first call's answer tells: v2, unless the service answers it with its version document, " +
		"which the provider then reads (once per process) to choose v2 when it is listed, else v1. A minor version " +
		"(`2.0`, `1.1`) counts as its major."},
	{Attr: attrCACertFile, Env: []string{"OS_CACERT"}, Description: "The certificate authorities to trust for TLS: " +
		"the path of a PEM file, or the PEM text itself (as the openstack provider decides: a path to an existing file " +
		"is read, anything else is taken as PEM). A leading `~/` is the home directory."},
	{Attr: attrCert, Env: []string{"OS_CERT"}, Description: "A client certificate for TLS, as a PEM file's path or " +
		"the PEM text; needs `key`."},
	{Attr: attrKey, Env: []string{"OS_KEY"}, Sensitive: true, Description: "The client certificate's private key, as " +
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
	{Attr: attrSystemScope, Env: []string{"OS_SYSTEM_SCOPE"}, Description: "Ask Keystone for a system-scoped token " +
		"instead of a project-scoped one, as the openstack provider does. Glance's image member calls act for a " +
		"project, and Glance refuses a system-scoped token (the errors say so): use it only where your cloud's policy " +
		"allows it. A clouds.yaml entry with `auth.system_scope: all` sets it too."},
	{Attr: attrAllowReauth, Env: []string{"OS_ALLOW_REAUTH"}, Default: true, Description: "Log in again when " +
		"Keystone's token expires during a long run. Default `true`; with `false`, an expired token fails the request " +
		"(HTTP 401) and says so. A given `token` is never renewed."},
	{Attr: AttrDelayedAuth, Env: []string{"OS_DELAYED_AUTH"}, Description: "Log in when the first resource or data " +
		"source needs Glance, not when the provider is configured: a plan that reads nothing from Glance then needs no " +
		"Keystone. Default `false` (the openstack provider's default is `true`): a wrong password or an unreachable " +
		"Keystone fails the plan at once, on the provider block."},
	{Attr: attrEnableLogging, Env: []string{"OS_DEBUG"}, Description: "Log every HTTP exchange with Keystone and " +
		"Glance (secrets masked) at INFO, so that `TF_LOG=INFO` shows them; without it they are logged at DEBUG. " +
		"`OS_DEBUG` set to anything but a false value turns it on, as in the OpenStack tools."},
	{Attr: attrDisableNoCacheHeader, Description: "Do not send `Cache-Control: no-cache` with each request to Glance. " +
		"By default it is sent, as the openstack provider does, so that a caching proxy in front of Glance never answers " +
		"a member list from its cache."},
	{Attr: attrSwauth, Env: []string{"OS_SWAUTH"}, Description: "Refused when `true`: it is Swift's own " +
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

// keystoneDefaultDomain is default_domain when unset: Keystone's default domain, as the openstack
// provider assumes.
const keystoneDefaultDomain = "default"

// envFirst are the settings whose environment variable beats clouds.yaml, as in gophercloud's
// clouds.Parse and the openstack provider (OS_REGION_NAME, OS_INTERFACE); TLS settings are
// ordered the same way inside fromClouds.
var envFirst = []string{AttrRegion, attrEndpointType}
