package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// The provider configured attribute by attribute (no clouds.yaml) against the real Keystone,
// with auth_url as openrc files and clouds.yaml entries write it: with its version (/v3), or
// Keystone's root, whose version document (HTTP 300) tells where v3 is.
func TestAccProvider_explicitAttributes(t *testing.T) {
	env := acctest.PreCheck(t)
	root := strings.TrimSuffix(env.AuthURL, "/v3")
	for name, authURL := range map[string]string{"v3": env.AuthURL, "root": root, "root/": root + "/"} {
		t.Run(name, func(t *testing.T) {
			imageID := acctest.NewImage(t, images.ImageVisibilityShared)
			config := fmt.Sprintf(`
provider "glance" {
  auth_url            = %q
  region              = "RegionOne"
  endpoint_type       = "internal"
  user_name           = "producer"
  user_domain_name    = "Default"
  password            = %q
  project_name        = "producer"
  project_domain_name = "Default"
}
`, authURL, env.Password("producer")) + memberBlock("test", imageID, env.Consumer2Project)
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             checkMemberGone(t, imageID, env.Consumer2Project),
				Steps: []tfresource.TestStep{{
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					},
					Check:            checkAPIStatus(t, imageID, env.Consumer2Project, "pending"),
					ConfigPlanChecks: emptyPlanAfterApply,
				}},
			})
		})
	}
}

// terraform validate reports every conflicting setting of the provider block at once, each
// naming its attributes, before anything logs in.
func TestAccProvider_validateReportsEveryConflict(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	w := tfcli.NewWorkdir(t, `
provider "glance" {
  auth_url     = "http://127.0.0.1:1/v3"
  token        = "a-token"
  password     = "a-password"
  project_id   = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
  project_name = "producer"
  cert         = "client.pem"
}
`+memberBlock("test", exampleImageID, "p1")) // validate checks only the providers that something uses
	out, code := w.Run("validate")
	if code == 0 {
		t.Fatalf("validate accepted conflicting settings:\n%s", out)
	}
	for _, want := range []string{`[token,password]`, `[project_id,project_name,tenant_id,tenant_name]`, `[cert,key]`} {
		if !strings.Contains(tfcli.Flat(out), want) {
			t.Errorf("validate does not report %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Error: "); n != 3 {
		t.Errorf("%d errors, want the 3 conflicts:\n%s", n, out)
	}
}

// Coming from terraform-provider-openstack or an openrc file, nothing needs changing: a
// provider block in the openstack provider's words (tenant_name, domain_name, publicURL), and
// an openrc-style environment alone (OS_TENANT_NAME, OS_DEFAULT_DOMAIN, OS_INTERFACE=publicURL;
// no clouds.yaml cloud), each share an image with the real Keystone and Glance, and destroy it.
func TestAccProvider_openstackConventions(t *testing.T) {
	env := acctest.PreCheck(t)
	openstackBlock := fmt.Sprintf(`
provider "glance" {
  auth_url      = %q
  region        = "RegionOne"
  endpoint_type = "internalURL"
  user_name     = "producer"
  password      = %q
  tenant_name   = "producer"
  domain_name   = "Default"
}
`, env.AuthURL, env.Password("producer"))
	openrc := []string{
		"OS_AUTH_URL=" + env.AuthURL, "OS_USERNAME=producer", "OS_PASSWORD=" + env.Password("producer"),
		"OS_TENANT_NAME=producer", "OS_DEFAULT_DOMAIN=default", "OS_INTERFACE=publicURL", "OS_REGION_NAME=RegionOne",
		"OS_CLOUD=", // no clouds.yaml entry: the environment alone
	}
	for _, tc := range []struct {
		name, config string
		env          []string
	}{
		{"openstack provider block", openstackBlock, nil},
		{"openrc environment", "provider \"glance\" {}\n", openrc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imageID := acctest.NewImage(t, images.ImageVisibilityShared)
			w := tfcli.NewWorkdir(t, tc.config+memberBlock("test", imageID, env.ConsumerProject), tc.env...)
			w.Must("apply", "-auto-approve", "-input=false")
			pendingThenDestroyed(t, w, imageID, env.ConsumerProject)
		})
	}
}

// terraform-provider-openstack 3.4's provider block, with every argument its docs list,
// pasted in as it is (the ones that exclude each other null): it plans against the real
// Keystone and Glance with no error and one warning per endpoint override this provider cannot
// use, applies, and each argument does here what it does there: endpoint_overrides.image is
// the image endpoint, cacert_file/cert/key as PEM text are accepted, delayed_auth logs in at
// the first resource, enable_logging puts the HTTP exchanges in an INFO log, and every request
// asks caches not to answer (Cache-Control: no-cache), except through a provider with
// disable_no_cache_header.
func TestAccProvider_wholeOpenstackBlock(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	ca := proxytest.NewCA(t)
	pem := func(path string) string { return pemOf(t, path) }
	glance := proxytest.New(t, env.ImageURL, proxytest.Options{})
	noCache := proxytest.New(t, env.ImageURL, proxytest.Options{})
	config := fmt.Sprintf(`
provider "glance" {
  auth_url                      = %q
  region                        = "RegionOne"
  user_name                     = "producer"
  user_id                       = null
  application_credential_id     = null
  application_credential_name   = null
  application_credential_secret = null
  tenant_id                     = null
  tenant_name                   = "producer"
  password                      = %q
  token                         = null
  user_domain_name              = "Default"
  user_domain_id                = null
  project_domain_name           = "Default"
  project_domain_id             = null
  domain_id                     = null
  domain_name                   = null
  default_domain                = "default"
  system_scope                  = false
  insecure                      = false
  endpoint_type                 = "public"
  cacert_file                   = <<-EOT
%s
EOT
  cert                          = <<-EOT
%s
EOT
  key                           = <<-EOT
%s
EOT
  swauth                        = false
  delayed_auth                  = true
  allow_reauth                  = true
  cloud                         = null
  max_retries                   = 3
  disable_no_cache_header       = false
  enable_logging                = true
  endpoint_overrides = {
    image   = "%s/v2/"
    compute = "http://127.0.0.1:8774/v2.1/"
    network = "http://127.0.0.1:9696/"
  }
}

provider "glance" {
  alias                   = "cached"
  cloud                   = "producer"
  image_endpoint          = %q
  disable_no_cache_header = true
}

data "glance_image_members" "cached" {
  provider = glance.cached
  image_id = %q
}
`, env.AuthURL, env.Password("producer"), pem(ca.CertFile), pem(ca.ClientCert), pem(ca.ClientKey), glance.URL,
		noCache.URL, imageID) + memberBlock("test", imageID, env.ConsumerProject)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	w := tfcli.NewWorkdir(t, config, "TF_LOG=INFO", "TF_LOG_PATH="+logFile)

	diags, code := w.PlanDiagnostics()
	var warned []string
	for _, d := range diags {
		if d.Severity != "warning" {
			t.Errorf("the plan said %s: %s: %s", d.Severity, d.Summary, d.Detail)
			continue
		}
		warned = append(warned, d.Detail)
	}
	if code != 2 || len(warned) != 2 || !strings.Contains(warned[0], `endpoint_overrides["compute"] is ignored`) ||
		!strings.Contains(warned[1], `endpoint_overrides["network"] is ignored`) {
		t.Fatalf("plan: exit %d (want 2), warnings %q; want one for each of compute and network", code, warned)
	}
	w.Must("apply", "-auto-approve", "-input=false")
	if len(glance.Requests()) == 0 {
		t.Fatal("no request reached Glance through endpoint_overrides.image")
	}
	for _, p := range []struct {
		proxy *proxytest.Proxy
		want  string
	}{{glance, "no-cache"}, {noCache, ""}} {
		for _, e := range p.proxy.Exchanges() {
			if got := e.Header.Get("Cache-Control"); got != p.want {
				t.Errorf("%s %s: Cache-Control %q, want %q", e.Method, e.Path, got, p.want)
			}
		}
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`\[INFO\].*response:.*/v2/images/` + imageID + `/members`).Match(log) {
		t.Errorf("enable_logging: the INFO log (%d bytes) has no HTTP exchange with Glance", len(log))
	}
	if strings.Contains(string(log), pem(ca.ClientKey)[40:80]) {
		t.Error("the key's PEM text is in the log")
	}
	pendingThenDestroyed(t, w, imageID, env.ConsumerProject)
}

// delayed_auth: the provider logs in when a resource first needs it, so a configuration whose
// glance resources have no instances (count = 0) plans without Keystone; without it the same
// plan fails on the provider block; and a resource that does need Glance gets the login's error,
// saying it came from the delayed login.
func TestAccProvider_delayedAuth(t *testing.T) {
	env := acctest.PreCheck(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // a Keystone that refuses connections
	config := func(delayed bool, count int) string {
		return fmt.Sprintf(`
provider "glance" {
  auth_url         = "%s/v3"
  user_name        = "producer"
  password         = "x"
  user_domain_name = "Default"
  project_name     = "producer"
  delayed_auth     = %t
}

resource "glance_image_member" "test" {
  count     = %d
  image_id  = %q
  member_id = %q
}
`, gone.URL, delayed, count, exampleImageID, env.ConsumerProject)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{Config: config(true, 0), PlanOnly: true},
			{
				Config:      config(false, 0),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(spaced("Cannot reach Keystone at")),
			},
			{
				Config:   config(true, 1),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(
					spaced(
						`could not log in when this resource first needed it \(delayed_auth = true\): Cannot reach Keystone`,
					),
				),
			},
		},
	})
}

// system_scope: the real Keystone gives the admin a system-scoped token, as the openstack
// provider asks for one; Glance's member calls need a project, Glance refuses, and the error
// says that the token's scope is why and how to change it. Nothing is created.
func TestAccProvider_systemScope(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := `
provider "glance" {
  cloud        = "admin"
  system_scope = true
}
` + memberBlock("test", imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(spaced(`token is system-scoped \(system_scope = true, from provider ` +
				`attribute system_scope\), and Glance acts on images and their members only for a project`)),
		}},
	})
}

// The clouds files as the OpenStack tools find them, each read by terraform as users run it
// (no OS_CLIENT_CONFIG_FILE) against the real Keystone and Glance: clouds.yml in the working
// directory; ~/.config/openstack/clouds.yaml with the password in secure.yml beside it;
// $XDG_CONFIG_HOME/openstack/clouds.yaml whose entry takes auth_url and region from a
// clouds-public.yaml profile. Each shares an image and destroys the membership.
func TestAccProvider_cloudsFiles(t *testing.T) {
	env := acctest.PreCheck(t)
	const region = "    region_name: RegionOne\n"
	authURL := "      auth_url: " + env.AuthURL + "\n"
	user := "      username: producer\n      project_name: producer\n      user_domain_name: Default\n" +
		"      project_domain_name: Default\n"
	password := "      password: " + env.Password("producer") + "\n"
	for _, tc := range []struct {
		name string
		// files are written relative to the work directory ("."), the home directory ("~") and
		// XDG_CONFIG_HOME ("xdg", set only when a file is there).
		files map[string]string
	}{
		{"clouds.yml in the working directory", map[string]string{
			"./clouds.yml": "clouds:\n  files:\n" + region + "    auth:\n" + authURL + user + password,
		}},
		{"~/.config/openstack/clouds.yaml and secure.yml", map[string]string{
			"~/.config/openstack/clouds.yaml": "clouds:\n  files:\n" + region + "    auth:\n" + authURL + user,
			"~/.config/openstack/secure.yml":  "clouds:\n  files:\n    auth:\n" + password,
		}},
		{"$XDG_CONFIG_HOME/openstack/clouds.yaml with a clouds-public.yaml profile", map[string]string{
			"xdg/openstack/clouds.yaml":        "clouds:\n  files:\n    profile: devcloud\n    auth:\n" + user + password,
			"xdg/openstack/clouds-public.yaml": "public-clouds:\n  devcloud:\n" + region + "    auth:\n" + authURL,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imageID := acctest.NewImage(t, images.ImageVisibilityShared)
			home, xdg := t.TempDir(), ""
			config := "provider \"glance\" {\n  cloud = \"files\"\n}\n" + memberBlock("test", imageID, env.ConsumerProject)
			w := tfcli.NewWorkdir(t, config, "OS_CLIENT_CONFIG_FILE=", "OS_CLOUD=", "HOME="+home, "XDG_CONFIG_HOME=")
			for name, content := range tc.files {
				root, rel, _ := strings.Cut(name, "/")
				if root == "xdg" && xdg == "" {
					xdg = t.TempDir()
					w.Setenv("XDG_CONFIG_HOME=" + xdg)
				}
				path := filepath.Join(map[string]string{".": w.Dir, "~": home, "xdg": xdg}[root], rel)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			w.Must("apply", "-auto-approve", "-input=false")
			pendingThenDestroyed(t, w, imageID, env.ConsumerProject)
		})
	}
}

// A proxy of the environment that is down is named as such, with NO_PROXY as the way around
// it, rather than read as a Keystone that is down. (Only the dead proxy on 127.0.0.1 is
// dialled: the hosts behind it are never looked up.)
func TestAccProvider_deadProxy(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	w := tfcli.NewWorkdir(t, `
provider "glance" {
  auth_url         = "https://keystone.invalid:5000/v3"
  user_name        = "producer"
  password         = "x"
  user_domain_name = "Default"
  project_name     = "producer"
}
`+memberBlock("test", exampleImageID, env.ConsumerProject), "HTTPS_PROXY="+dead.URL, "NO_PROXY=", "no_proxy=")
	out, code := w.Run("plan", "-input=false")
	want := "The request went through the proxy " + dead.URL + " (from HTTPS_PROXY or https_proxy): check that the " +
		"proxy is up and reachable from here, or, if keystone.invalid:5000 is to be reached directly, add its host to " +
		"NO_PROXY."
	if code == 0 || !strings.Contains(tfcli.Flat(out), want) {
		t.Fatalf("a dead proxy must be named (exit %d):\n%s", code, out)
	}
}
