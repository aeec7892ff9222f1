package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// tlsCloud puts TLS-terminating proxies, with a certificate from a CA made for the test, in
// front of the real Keystone and Glance, and returns a provider block for them with extra
// attributes.
func tlsCloud(t *testing.T, ca *proxytest.CA, requireClientCert bool) func(extra string) string {
	env := acctest.PreCheck(t)
	keystone := proxytest.New(
		t,
		strings.TrimSuffix(env.AuthURL, "/v3"),
		proxytest.Options{TLS: ca.ServerTLS(requireClientCert)},
	)
	glance := proxytest.New(t, env.ImageURL, proxytest.Options{TLS: ca.ServerTLS(requireClientCert)})
	return func(extra string) string {
		return fmt.Sprintf(`
provider "glance" {
  auth_url            = "%s/v3"
  image_endpoint      = %q
  user_name           = "producer"
  password            = %q
  user_domain_name    = "Default"
  project_name        = "producer"
  project_domain_name = "Default"
%s
}
`, keystone.URL, glance.URL, env.Password("producer"), extra)
	}
}

func tlsMemberConfig(provider, imageID, memberID string) string {
	return provider + memberBlock("test", imageID, memberID)
}

// Behind TLS with a private CA: by default the certificate is not trusted, and the error
// says which attributes fix it; cacert_file makes it work.
func TestAccTLS_cacertFile(t *testing.T) {
	env := acctest.PreCheck(t)
	ca := proxytest.NewCA(t)
	provider := tlsCloud(t, ca, false)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{
				Config: tlsMemberConfig(provider(""), imageID, env.ConsumerProject),
				ExpectError: regexp.MustCompile(
					`(?s)TLS with Keystone at https://127.0.0.1:\d+/v3 failed.*` + spaced(
						`certificate is not trusted. Set cacert_file \(OS_CACERT\)`,
					) + `.*insecure`,
				),
			},
			{
				Config: tlsMemberConfig(
					provider(fmt.Sprintf("  cacert_file = %q", ca.CertFile)),
					imageID,
					env.ConsumerProject,
				),
				Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{ // the CA's PEM text instead of its path, as Vault or a CI variable hands it over
				Config: tlsMemberConfig(
					provider("  cacert_file = "+heredoc(pemOf(t, ca.CertFile))),
					imageID,
					env.ConsumerProject,
				),
				PlanOnly: true,
			},
		},
	})
}

// insecure = true works without the CA, and says loudly that it is unsafe.
func TestAccTLS_insecureWarns(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	ca := proxytest.NewCA(t)
	provider := tlsCloud(t, ca, false)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	w := tfcli.NewWorkdir(t, tlsMemberConfig(provider("  insecure = true"), imageID, env.ConsumerProject))
	out := w.Must("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Warning: TLS certificate verification is off") ||
		!strings.Contains(out, "Set cacert_file") {
		t.Errorf("apply with insecure = true did not warn:\n%s", tfcli.Tail(out, 30))
	}
	pendingThenDestroyed(t, w, imageID, env.ConsumerProject)
}

// Keystone and Glance demand a client certificate: without one, or with one from another
// authority, the error names cert and key; with cert and key the provider gets through.
func TestAccTLS_clientCertificate(t *testing.T) {
	env := acctest.PreCheck(t)
	ca := proxytest.NewCA(t)
	provider := tlsCloud(t, ca, true)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	cacert := fmt.Sprintf("  cacert_file = %q\n", ca.CertFile)
	wantCert := regexp.MustCompile(
		`(?s)TLS with Keystone.*` + spaced(
			`requires a client certificate it trusts. Set cert \(OS_CERT\) and key \(OS_KEY\)`,
		),
	)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{Config: tlsMemberConfig(provider(cacert), imageID, env.ConsumerProject), ExpectError: wantCert},
			{
				Config: tlsMemberConfig(
					provider(cacert+fmt.Sprintf("  cert = %q\n  key = %q", ca.OtherClientCert, ca.OtherKey)),
					imageID,
					env.ConsumerProject,
				),
				ExpectError: wantCert,
			},
			{
				Config: tlsMemberConfig(
					provider(cacert+fmt.Sprintf("  cert = %q\n  key = %q", ca.ClientCert, ca.ClientKey)),
					imageID,
					env.ConsumerProject,
				),
				Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{ // all three as PEM text
				Config: tlsMemberConfig(
					provider(fmt.Sprintf("  cacert_file = %s\n  cert = %s\n  key = %s\n", heredoc(pemOf(t, ca.CertFile)),
						heredoc(pemOf(t, ca.ClientCert)), heredoc(pemOf(t, ca.ClientKey)))),
					imageID,
					env.ConsumerProject,
				),
				PlanOnly: true,
			},
		},
	})
}
