package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// fernetToken matches any Keystone (fernet) token, whoever it was issued to.
var fernetToken = regexp.MustCompile(`gAAAAA[A-Za-z0-9_=-]{40,}`)

// An apply and a destroy with TF_LOG=TRACE, with three providers logging in by password,
// by a given token and by application credential: none of the secrets, and no token at
// all, appears anywhere in Terraform's output, HTTP bodies and headers included.
func TestAccSecrets_neverLogged(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	password := env.Password(devcloud.Producer)
	token := acctest.Image(t, devcloud.Producer).Token()
	appCredSecret := env.AppCredSecret
	if token == "" {
		t.Fatal("no token from the local cloud: run make testacc")
	}
	w := tfcli.NewWorkdir(t, fmt.Sprintf(`
provider "glance" {
  cloud = "producer" # password
}

provider "glance" {
  alias    = "token"
  auth_url = %[1]q
  token    = %[2]q
}

provider "glance" {
  alias = "appcred"
  cloud = "producer-appcred"
}

`, env.AuthURL, token)+
		memberBlock("by_password", imageID, "secrets-by-password")+
		memberBlock("by_token", imageID, "secrets-by-token", "provider = glance.token")+
		memberBlock("by_appcred", imageID, "secrets-by-appcred", "provider = glance.appcred"), "TF_LOG=TRACE")

	var out strings.Builder
	out.WriteString(w.Must("apply", "-auto-approve", "-input=false"))
	if got := acctest.MemberIDs(t, imageID); len(got) != 3 {
		t.Fatalf("apply made members %v, want 3", got)
	}
	out.WriteString(w.ExpectEmptyPlan())
	out.WriteString(w.Must("destroy", "-auto-approve", "-input=false"))
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("destroy left members %v", got)
	}
	log := out.String()

	// The log must be the real thing: every exchange with Glance and Keystone, headers and all.
	for _, want := range []string{
		"X-Auth-Token:***", "X-Subject-Token:***", "/v3/auth/tokens", "POST", "/v2/images/" + imageID + "/members",
		"secrets-by-appcred",
	} {
		if !strings.Contains(log, want) {
			t.Fatalf("the TRACE output (%d bytes) lacks %q: it does not show what this test must search", len(log), want)
		}
	}
	secrets := map[string]string{"password": password, "token": token, "application credential secret": appCredSecret}
	for name, secret := range secrets {
		if i := strings.Index(log, secret); i >= 0 {
			t.Errorf("the %s appears in the TRACE output: …%s…", name, log[max(0, i-200):min(len(log), i+50)])
		}
	}
	if m := fernetToken.FindStringIndex(log); m != nil {
		t.Errorf("a Keystone token appears in the TRACE output: …%s…", log[max(0, m[0]-200):m[1]])
	}
	t.Logf("searched %d bytes of TRACE output from apply, plan and destroy: no password, token or secret", len(log))

	// And the state holds none of them either.
	state, err := os.ReadFile(w.Dir + "/terraform.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{password, token, appCredSecret} {
		if strings.Contains(string(state), secret) {
			t.Error("a secret is in terraform.tfstate")
		}
	}
}

func TestProviderSchema_secretsAreSensitive(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for _, name := range []string{"password", "token", "application_credential_secret"} {
		if a, ok := resp.Schema.Attributes[name]; !ok || !a.IsSensitive() {
			t.Errorf("provider attribute %s must be sensitive", name)
		}
	}
}

// baseOf is a service URL without its path: where a proxy in front of the service points.
func baseOf(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// Credentials stay on the hosts the configuration or the catalog named: a Keystone or Glance
// that answers 307 to another host (a trap on another port of 127.0.0.1) is not followed, for
// the login, for logging in again, for version detection, and for the image calls of both API
// versions; the error names both URLs and says why, and the trap receives nothing. A redirect
// within the same host is followed, and everything works through it.
func TestAccSecrets_redirectsStayOnTheirHost(t *testing.T) {
	env := acctest.PreCheck(t)
	refused := func(trap *proxytest.Trap, from string) *regexp.Regexp {
		return regexp.MustCompile(
			`(?s)` + spaced(regexp.QuoteMeta(from)) + `.*` + spaced(`redirects to `+regexp.QuoteMeta(trap.URL)+
				`\S*, another host; the provider refused to follow it, because the request carries credentials`),
		)
	}
	noneArrived := func(t *testing.T, trap *proxytest.Trap) {
		if got := trap.Requests(); len(got) > 0 {
			t.Errorf("the redirect's target received:%s", acctest.Lines(got))
		}
	}
	everything := func(trap *proxytest.Trap) func(*http.Request) string {
		return func(*http.Request) string { return trap.URL }
	}

	t.Run("login", func(t *testing.T) {
		trap := proxytest.NewTrap(t)
		keystone := proxytest.New(t, baseOf(t, env.AuthURL), proxytest.Options{Redirect: everything(trap)})
		imageID := acctest.NewImage(t, images.ImageVisibilityShared)
		tfresource.ParallelTest(t, tfresource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []tfresource.TestStep{{
				Config: fmt.Sprintf(
					"provider \"glance\" {\n  cloud    = \"producer\"\n  auth_url = %q\n}\n",
					keystone.URL+"/v3",
				) + memberBlock(
					"test",
					imageID,
					env.ConsumerProject,
				),
				ExpectError: refused(trap, "Logging in at Keystone ("+keystone.URL+"/v3, from provider attribute auth_url) "+
					"failed: HTTP 307 from POST "+keystone.URL+"/v3/auth/tokens"),
			}},
		})
		noneArrived(t, trap)
	})

	t.Run("version detection", func(t *testing.T) {
		// The add of a member to an image that does not exist meets Glance's 404, which has the
		// provider read the version document (in case the endpoint is no image service): that
		// read is redirected.
		trap := proxytest.NewTrap(t)
		versions := func(r *http.Request) string {
			if r.URL.Path == "/versions" || r.URL.Path == "/" {
				return trap.URL
			}
			return ""
		}
		glance := proxytest.New(t, env.ImageURL, proxytest.Options{Redirect: versions})
		tfresource.ParallelTest(t, tfresource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []tfresource.TestStep{{
				Config: tfcli.ProviderVia(
					"producer",
					glance.URL,
				) + memberBlock(
					"test",
					"3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77",
					env.ConsumerProject,
				),
				ExpectError: refused(trap, "cannot tell which Image API the image service speaks: cannot read the image "+
					"service's versions at "+glance.URL+"/versions"),
			}},
		})
		noneArrived(t, trap)
	})

	for _, svc := range imageServices(t, env) {
		t.Run("image calls "+svc.name(), func(t *testing.T) {
			trap := proxytest.NewTrap(t)
			// The version document passes: the calls that carry the token are redirected.
			glance := proxytest.New(t, svc.url, proxytest.Options{Redirect: func(r *http.Request) string {
				if r.Method == http.MethodGet && (r.URL.Path == "/" || strings.HasSuffix(r.URL.Path, "/versions")) {
					return ""
				}
				return trap.URL
			}})
			imageID := svc.newImage(t)
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{{
					Config:      tfcli.ProviderVia("producer", glance.URL) + memberBlock("test", imageID, env.ConsumerProject),
					ExpectError: refused(trap, "Error adding image member"),
				}},
			})
			noneArrived(t, trap)
			if got := svc.members(t, imageID); len(got) != 0 {
				t.Errorf("members %v after a refused add", got)
			}
		})
	}

	t.Run("logging in again", func(t *testing.T) {
		trap := proxytest.NewTrap(t)
		short, err := glanceclient.Resolve(
			glanceclient.Block{Settings: map[string]string{"cloud": devcloud.ProducerShortToken}},
			env.Getenv,
		)
		if err != nil {
			t.Fatal(err)
		}
		var logins atomic.Int32
		keystone := proxytest.New(
			t,
			baseOf(t, short.Get("auth_url")),
			proxytest.Options{Redirect: func(r *http.Request) string {
				if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/auth/tokens") && logins.Add(1) > 1 {
					return trap.URL // every login after the first
				}
				return ""
			}},
		)
		cfg, err := glanceclient.Resolve(
			glanceclient.Block{
				Settings: map[string]string{"cloud": devcloud.ProducerShortToken, "auth_url": keystone.URL + "/v3"},
			},
			env.Getenv,
		)
		if err != nil {
			t.Fatal(err)
		}
		client, err := glanceclient.New(context.Background(), cfg, "test")
		if err != nil {
			t.Fatal(err)
		}
		imageID := acctest.NewImage(t, images.ImageVisibilityShared)
		time.Sleep(time.Duration(env.ShortTokenSeconds+1) * time.Second) // the token expires
		_, err = client.ListMembers(context.Background(), imageID)
		detail := memberError(client, opList, crudRead, imageID, "", err).Detail()
		if !refused(
			trap,
			"Image "+imageID+": Glance asked for a new token (HTTP 401), and logging in again at Keystone ("+
				keystone.URL+"/v3) failed: HTTP 307 from POST "+keystone.URL+"/v3/auth/tokens",
		).MatchString(detail) {
			t.Errorf("the refused login again is not explained: %s", detail)
		}
		noneArrived(t, trap)
	})

	t.Run("within the same host", func(t *testing.T) {
		// /moved/… answers 307 to … on the same proxy, which passes it to the service.
		moved := func(self *string) func(*http.Request) string {
			return func(r *http.Request) string {
				if rest, ok := strings.CutPrefix(r.URL.Path, "/moved"); ok {
					r.URL.Path = rest
					return *self
				}
				return ""
			}
		}
		var keystoneURL, glanceURL string
		keystone := proxytest.New(t, baseOf(t, env.AuthURL), proxytest.Options{Redirect: moved(&keystoneURL)})
		glance := proxytest.New(t, env.ImageURL, proxytest.Options{Redirect: moved(&glanceURL)})
		keystoneURL, glanceURL = keystone.URL, glance.URL
		imageID := acctest.NewImage(t, images.ImageVisibilityShared)
		tfresource.ParallelTest(t, tfresource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
			Steps: []tfresource.TestStep{{
				Config: fmt.Sprintf("provider \"glance\" {\n  cloud          = \"producer\"\n  auth_url       = %q\n  "+
					"image_endpoint = %q\n}\n",
					keystone.URL+"/moved/v3", glance.URL+"/moved") + memberBlock("test", imageID, env.ConsumerProject),
				Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
				ConfigPlanChecks: emptyPlanAfterApply,
			}},
		})
		for _, p := range []*proxytest.Proxy{keystone, glance} {
			if !slices.ContainsFunc(
				p.Exchanges(),
				func(e proxytest.Exchange) bool { return e.Status == http.StatusTemporaryRedirect },
			) {
				t.Errorf("%s redirected nothing: the test proves nothing", p.URL)
			}
		}
	})
}
