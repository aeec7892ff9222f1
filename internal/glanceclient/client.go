// Package glanceclient is the only place that talks HTTP: authentication, TLS, logging,
// the user agent and thin typed calls over gophercloud's image API, with typed errors.
package glanceclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"golang.org/x/net/http/httpproxy"
)

// Client is an authenticated image service client.
type Client struct {
	// spoken is the Image API version spoken (ImageAPI), and each version's calls
	// (members_v2.go, members_v1.go), made through pc; version.go.
	spoken *spoken
	pc     *gophercloud.ProviderClient
	// Endpoint is the image service's unversioned root, for messages.
	Endpoint string
	// Region is the catalog region of the image service ("" when image_endpoint was given
	// without a region); regions holds the clients of the other regions (region.go).
	Region  string
	regions *regional
	// reads shares reads of one image among the resources (cache.go).
	reads *readCache
	Login
}

// Login is what a client knows of its token, for the messages about it; the clients of
// other regions share it.
type Login struct {
	// ProjectID is the project the token is scoped to: who we act as ("" when system-scoped).
	ProjectID string
	// FixedToken says the provider was given a token, which cannot be renewed.
	FixedToken bool
	// ReauthOff is where allow_reauth = false came from ("" when the provider logs in again).
	ReauthOff string
	// SystemScope is where system_scope = true came from ("" for a project-scoped token).
	SystemScope string
	// AuthURL is Keystone's, for the messages about logging in again.
	AuthURL string
	// Admin says the token has the admin role, to which Glance's image lists ignore the
	// member_status filter (inbox.go).
	Admin bool
}

// maxIdleConnsPerHost is how many idle connections to each of Keystone and Glance are kept.
const maxIdleConnsPerHost = 64

// New authenticates with Keystone and finds the image service. userAgent names the provider
// and its version; it is put before gophercloud's own.
func New(ctx context.Context, cfg *Config, userAgent string) (*Client, error) {
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if base, ok := http.DefaultTransport.(*http.Transport); ok {
		transport = base.Clone() // net/http's defaults: dial and TLS timeouts, HTTP/2
	}
	transport.TLSClientConfig = cfg.TLS
	// Keep a connection for every request Terraform runs at once (-parallelism, 10 by
	// default, and more when raised), not net/http's 2: a new connection per request costs a
	// TCP (and TLS) handshake on both sides.
	transport.MaxIdleConnsPerHost = maxIdleConnsPerHost
	pc, err := openstack.NewClient(cfg.Get(AttrAuthURL))
	if err != nil {
		return nil, &ConfigError{
			Attr: AttrAuthURL,
			Msg:  fmt.Sprintf("%s = %q cannot be used: %s.", cfg.from(AttrAuthURL), cfg.Get(AttrAuthURL), err),
		}
	}
	noCache := !cfg.Flag(attrDisableNoCacheHeader)
	images, plain := httpClients(transport, cfg.Secrets(), cfg.Flag(attrEnableLogging), noCache)
	pc.UserAgent.Prepend(userAgent)
	// Keystone's calls go without the 300 guard: an auth_url without its version
	// (http://keystone:5000) has gophercloud read Keystone's version document, which Keystone
	// answers with 300, and the re-login keeps the client it was set up with.
	pc.HTTPClient = plain
	if err := openstack.Authenticate(ctx, pc, cfg.AuthOptions()); err != nil {
		return nil, authError(cfg, err)
	}
	pc.HTTPClient = images
	// Retries start after the first login: at configure time a refused connection is far more
	// likely a wrong auth_url than a blip, and the user should hear so at once. Later calls,
	// re-authentication included, retry transient failures.
	policy := newRetryPolicy(cfg.MaxRetries)
	pc.RetryFunc = policy.retry
	docs := versionDocuments(pc, plain)
	if pc.ReauthFunc != nil {
		pc.ReauthFunc = policy.reauth(cfg.Get(AttrAuthURL), pc.ReauthFunc)
	}

	root, region, err := imageRoot(pc, cfg)
	if err != nil {
		return nil, err
	}
	// The version is image_api_version, or told by the service's first answer (version.go).
	c := newClient(pc, docs, root, cfg.ImageAPI())
	c.FixedToken, c.AuthURL, c.Region = cfg.Get(attrToken) != "", cfg.Get(AttrAuthURL), region
	if !cfg.Flag(attrAllowReauth) {
		c.ReauthOff = cfg.From(attrAllowReauth)
	}
	if cfg.Flag(attrSystemScope) {
		c.SystemScope = cfg.From(attrSystemScope)
	}
	c.regions = &regional{
		pc:           pc,
		docs:         docs,
		availability: cfg.Availability(),
		api:          cfg.ImageAPI(),
		fixed:        cfg.Get(AttrImageEndpoint) != "",
		clients:      map[string]*Client{},
	}
	if r, ok := pc.GetAuthResult().(tokens.CreateResult); ok {
		if p, err := r.ExtractProject(); err == nil && p != nil {
			c.ProjectID = p.ID
		}
		if roles, err := r.ExtractRoles(); err == nil {
			c.Admin = slices.ContainsFunc(roles, func(r tokens.Role) bool { return strings.EqualFold(r.Name, "admin") })
		}
	}
	return c, nil
}

// imageRoot is the image service's unversioned root, and its region: image_endpoint (with
// the region as given), or the catalog's image endpoint for the region and interface, without
// a trailing /v1 or /v2.
func imageRoot(pc *gophercloud.ProviderClient, cfg *Config) (root, region string, err error) {
	if ep := cfg.Get(AttrImageEndpoint); ep != "" {
		return UnversionedEndpoint(ep), cfg.Get(AttrRegion), nil
	}
	url, region, err := catalogImageEndpoint(pc, cfg.Get(AttrRegion), cfg.Availability())
	var regionErr *RegionError
	if errors.As(err, &regionErr) {
		return "", "", &ConfigError{Attr: AttrRegion, Msg: fmt.Sprintf("Keystone at %s: %s Set region (OS_REGION_NAME) "+
			"and endpoint_type (OS_INTERFACE) to ones the catalog lists, or image_endpoint to the image service's URL.",
			cfg.Get(AttrAuthURL), regionErr)}
	}
	if err != nil {
		return "", "", &ConfigError{Attr: AttrAuthURL, Msg: err.Error() + "."}
	}
	return UnversionedEndpoint(url), region, nil
}

// httpClients are the two chains of transports to Keystone and Glance (transport.go), outermost
// first: Cache-Control: no-cache (noCache), logging (info: at INFO), the 300 guard, tracking,
// answers read whole, then base. images has the 300 guard: an image call answered with a
// versions document is a *WrongAPIError. plain has none, for the calls whose answer a 300 is:
// Keystone's, and the image services' version documents.
func httpClients(base http.RoundTripper, secrets []string, info, noCache bool) (images, plain http.Client) {
	chain := func(guarded bool) http.Client {
		var rt http.RoundTripper = &trackingTransport{next: &readTransport{next: base}}
		if guarded {
			rt = &versionsGuard{next: rt}
		}
		rt = newLoggingTransport(rt, secrets, info)
		if noCache {
			rt = noCacheTransport{next: rt}
		}
		return http.Client{Transport: rt, CheckRedirect: sameHostRedirects}
	}
	return chain(true), chain(false)
}

// versionDocuments is the client that reads the image services' version documents: pc's
// retries and user agent over the plain chain, and no token (Glance asks for none there).
func versionDocuments(pc *gophercloud.ProviderClient, plain http.Client) *gophercloud.ProviderClient {
	return &gophercloud.ProviderClient{HTTPClient: plain, UserAgent: pc.UserAgent, RetryFunc: pc.RetryFunc}
}

// newClient is a client of the image service at root (unversioned) speaking Image API api, or
// the one the service's first answer tells when api is "" (read with docs when it must be).
func newClient(pc, docs *gophercloud.ProviderClient, root, api string) *Client {
	sc := &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: root, ResourceBase: root + "v2/", Type: "image"}
	return &Client{
		Endpoint: root,
		reads:    newReadCache(),
		pc:       pc,
		spoken: &spoken{
			api:  api,
			v1:   newV1Members(pc, root),
			v2:   v2Members{sc: sc},
			docs: docs,
			root: root,
			turn: make(chan struct{}, 1),
		},
	}
}

// authError explains why Keystone did not give us a token, and what to change.
func authError(cfg *Config, err error) error {
	authURL := cfg.Get(AttrAuthURL)
	who := cfg.Get(attrUserName)
	if who == "" {
		who = cfg.Get(attrUserID)
	}
	var netErr net.Error
	var redirect *RedirectRefusedError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	if errors.As(err, &redirect) {
		return &ConfigError{Attr: AttrAuthURL, Msg: fmt.Sprintf("Logging in at Keystone (%s, from %s) failed: %s. Set "+
			"auth_url to Keystone's own URL (where the redirect points, if that host is Keystone's).",
			authURL, cfg.sources[AttrAuthURL], redirect)}
	}
	if attr, fix := TLSProblem(err); attr != "" {
		return &ConfigError{Attr: attr, Msg: fmt.Sprintf("TLS with Keystone at %s failed: %s. %s", authURL, err, fix)}
	}
	switch {
	case gophercloud.ResponseCodeIs(err, http.StatusUnauthorized):
		return &ConfigError{Attr: attrPassword, Msg: fmt.Sprintf("Keystone at %s rejected the credentials (user %q, "+
			"project %q): %s. Check password, token or application credential, and the user and project names and domains; "+
			"they came from: %s.",
			authURL, who, cfg.Get(attrProjectName)+cfg.Get(attrProjectID), Message(err), cfg.credentialSources())}
	case errors.As(err, &typeErr) || errors.As(err, &syntaxErr):
		return &ConfigError{Attr: AttrAuthURL, Msg: fmt.Sprintf("%s (auth_url, from %s) did not answer as Keystone does: "+
			"its answer could not be read as Keystone's version document or token (%s). Set auth_url to Keystone's URL, "+
			"with or without its version (http://keystone:5000 or http://keystone:5000/v3), not another service's such as "+
			"the image service's.", authURL, cfg.sources[AttrAuthURL], err)}
	case errors.As(err, &netErr) && ProxyProblem(err) != "":
		return &ConfigError{Attr: AttrAuthURL, Msg: fmt.Sprintf("Cannot reach Keystone at %s (auth_url, from %s): %s. %s",
			authURL, cfg.sources[AttrAuthURL], err, ProxyProblem(err))}
	case errors.As(err, &netErr):
		return &ConfigError{Attr: AttrAuthURL, Msg: fmt.Sprintf("Cannot reach Keystone at %s (auth_url, from %s): %s. "+
			"Check that URL where it is set, and that the host and port are reachable from here. This may pass: if "+
			"Keystone was down for a moment, run again.", authURL, cfg.sources[AttrAuthURL], err)}
	}
	return &ConfigError{
		Attr: AttrAuthURL,
		Msg: fmt.Sprintf("Authentication with Keystone at %s (auth_url, from %s) failed: %s. Check that auth_url is "+
			"Keystone's v3 URL and the credentials' user, project and domains.", authURL, cfg.sources[AttrAuthURL],
			Message(err)),
	}
}

// ProxyProblem says, for a request that could not connect, which proxy of the environment it
// went through, with the fix; "" when no proxy was in its way. (A dead proxy otherwise reads
// as a dead Keystone or Glance.)
func ProxyProblem(err error) string {
	var urlErr *url.Error
	var opErr *net.OpError
	if !errors.As(err, &urlErr) || !errors.As(err, &opErr) || opErr.Op != "dial" && opErr.Op != "proxyconnect" {
		return ""
	}
	target, parseErr := url.Parse(urlErr.URL)
	if parseErr != nil {
		return ""
	}
	proxy, _ := httpproxy.FromEnvironment().ProxyFunc()(target)
	if proxy == nil {
		return ""
	}
	variable := "HTTP_PROXY"
	if target.Scheme == "https" {
		variable = "HTTPS_PROXY"
	}
	return fmt.Sprintf("The request went through the proxy %s (from %s or %s): check that the proxy is up and "+
		"reachable from here, or, if %s is to be reached directly, add its host to NO_PROXY.", proxy.Redacted(), variable,
		strings.ToLower(variable), target.Host)
}

// TLSProblem recognises a failed TLS handshake and names the attribute that fixes it, with
// the fix in words; attr is "" for any other error.
func TLSProblem(err error) (attr, fix string) {
	var unknownCA x509.UnknownAuthorityError
	var verifyErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &verifyErr), errors.As(err, &hostErr):
		return "cacert_file", "The server's certificate is not trusted. Set cacert_file (OS_CACERT) to the PEM file of the " +
			"authority that signed it, or insecure = true (OS_INSECURE) to skip verification, which is unsafe outside tests."
	case strings.Contains(err.Error(), "tls: certificate required"), strings.Contains(err.Error(), "tls: bad certificate"),
		strings.Contains(err.Error(), "tls: unknown certificate authority"):
		return "cert", "The server requires a client certificate it trusts. Set cert (OS_CERT) and key (OS_KEY) to the PEM " +
			"files of the client certificate and its private key."
	}
	return "", ""
}

// Status is the HTTP status of a failed call, or 0 when there was no answer.
func Status(err error) int {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) {
		return e.Actual
	}
	return 0
}

// Request is the method and URL of a call Glance answered with an error ("", "" for none).
func Request(err error) (method, url string) {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) {
		return e.Method, e.URL
	}
	return "", ""
}

// IsNotFound says whether the service answered 404, or the member list had no such member
// (v1, which cannot read one member, tells so).
func IsNotFound(err error) bool {
	return gophercloud.ResponseCodeIs(err, http.StatusNotFound) || errors.Is(err, ErrMemberNotListed)
}

var (
	htmlTag    = regexp.MustCompile(`<[^>]*>`)
	whitespace = regexp.MustCompile(`\s+`)
)

// Message is the service's own words from a failed call: Glance and Keystone answer errors
// with JSON or a small HTML page; either way, the sentence without the markup.
func Message(err error) string {
	var e gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &e) {
		return err.Error()
	}
	body := string(e.Body)
	var doc map[string]any
	if json.Unmarshal(e.Body, &doc) == nil {
		body = findMessage(doc) // webob's JSON errors still carry "<br />"
	} else if i := strings.Index(body, "</h1>"); i >= 0 {
		body = body[i+len("</h1>"):]
	}
	msg := strings.TrimSpace(whitespace.ReplaceAllString(htmlTag.ReplaceAllString(body, " "), " "))
	msg = strings.TrimSpace(strings.TrimSuffix(msg, ":"))
	if msg == "" {
		return fmt.Sprintf("HTTP %d from %s %s", e.Actual, e.Method, e.URL)
	}
	return msg
}

func findMessage(v any) string {
	switch t := v.(type) {
	case map[string]any:
		if m, ok := t["message"].(string); ok {
			return m
		}
		for _, child := range t {
			if m := findMessage(child); m != "" {
				return m
			}
		}
	}
	return ""
}

// NewStatic is a client for a fixed image endpoint and token, without Keystone, speaking
// Image API api: for tests that need answers a real cloud cannot be made to give.
func NewStatic(imageEndpoint, token, projectID, api string) *Client {
	images, plain := httpClients(http.DefaultTransport, []string{token}, false, false)
	pc := &gophercloud.ProviderClient{HTTPClient: images}
	pc.SetToken(token)
	pc.RetryFunc = newRetryPolicy(0).retry // tests of single answers; retry_test.go sets its own
	docs := versionDocuments(pc, plain)
	c := newClient(pc, docs, UnversionedEndpoint(imageEndpoint), api)
	c.ProjectID, c.FixedToken = projectID, true
	c.regions = &regional{pc: pc, docs: docs, api: api, fixed: true, clients: map[string]*Client{}}
	return c
}

// NewStaticRegions is NewStatic for a cloud of several regions (endpoints by region name),
// without Keystone: the client of region home, whose ForRegion gives the others.
func NewStaticRegions(endpoints map[string]string, home, token, projectID, api string) *Client {
	var clients map[string]*Client
	var regions *regional
	for region, endpoint := range endpoints {
		c := NewStatic(endpoint, token, projectID, api)
		if regions == nil {
			clients = map[string]*Client{}
			regions = &regional{pc: c.pc, docs: c.spoken.docs, api: api, clients: clients}
		}
		c.Region, c.regions = region, regions
		clients[region] = c
	}
	return clients[home]
}

// RedirectRefusedError is a redirect to another host than the one the request went to, which
// the provider does not follow: every request to Keystone and Glance may carry a token or a
// password, and Go's HTTP client keeps X-Auth-Token and re-sends a 307's body on the way.
type RedirectRefusedError struct {
	Status   int
	Method   string
	From, To string
}

func (e *RedirectRefusedError) Error() string {
	return fmt.Sprintf("HTTP %d from %s %s redirects to %s, another host; the provider refused to follow it, because "+
		"the request carries credentials (a token or a password) "+
		"that must not reach a host the configuration or the service catalog did not name", e.Status, e.Method, e.From, e.To)
}

// maxRedirects is how many redirects within one host a request follows, as net/http's default.
const maxRedirects = 10

// sameHostRedirects is the HTTP client's CheckRedirect: a redirect is followed only to the same
// scheme, host and port as the request it answers.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	if origin(req.URL) != origin(prev.URL) {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return &RedirectRefusedError{Status: status, Method: prev.Method, From: prev.URL.Redacted(), To: req.URL.Redacted()}
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// origin is a URL's scheme, host and port (the scheme's default when none is written).
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
