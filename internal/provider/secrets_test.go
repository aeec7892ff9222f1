package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
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
	w := newWorkdir(t, fmt.Sprintf(`
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
	out.WriteString(w.must("apply", "-auto-approve", "-input=false"))
	if got := acctest.MemberIDs(t, imageID); len(got) != 3 {
		t.Fatalf("apply made members %v, want 3", got)
	}
	out.WriteString(w.expectEmptyPlan())
	out.WriteString(w.must("destroy", "-auto-approve", "-input=false"))
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("destroy left members %v", got)
	}
	log := out.String()

	// The log must be the real thing: every exchange with Glance and Keystone, headers and all.
	for _, want := range []string{"X-Auth-Token:***", "X-Subject-Token:***", "/v3/auth/tokens", "POST", "/v2/images/" + imageID + "/members", "secrets-by-appcred"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the TRACE output (%d bytes) lacks %q: it does not show what this test must search", len(log), want)
		}
	}
	for name, secret := range map[string]string{"password": password, "token": token, "application credential secret": appCredSecret} {
		if i := strings.Index(log, secret); i >= 0 {
			t.Errorf("the %s appears in the TRACE output: …%s…", name, log[max(0, i-200):min(len(log), i+50)])
		}
	}
	if m := fernetToken.FindStringIndex(log); m != nil {
		t.Errorf("a Keystone token appears in the TRACE output: …%s…", log[max(0, m[0]-200):m[1]])
	}
	t.Logf("searched %d bytes of TRACE output from apply, plan and destroy: no password, token or secret", len(log))

	// And the state holds none of them either.
	state, err := os.ReadFile(w.dir + "/terraform.tfstate")
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
