package provider

// The helpers every test file of this package may use: provider factories, HCL builders,
// checks against Glance, and the terraform command run as users run it.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/glancev1test"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// testAccProviders serves the provider in-process to the terraform binary on PATH.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"glance": providerserver.NewProtocol6WithError(New("test")()),
}

// --- HCL builders ---------------------------------------------------------------------------

// providerProducer configures the provider as the image owner from the local cloud's
// clouds.yaml (OS_CLIENT_CONFIG_FILE).
const providerProducer = `
provider "glance" {
  cloud = "producer"
}
`

// memberBlock is a glance_image_member; extra lines (provider, timeouts, depends_on) go last.
func memberBlock(name, imageID, memberID string, extra ...string) string {
	body := ""
	for _, e := range extra {
		body += "\n  " + strings.ReplaceAll(e, "\n", "\n  ")
	}
	return fmt.Sprintf(
		"\nresource \"glance_image_member\" %q {\n  image_id  = %q\n  member_id = %q%s\n}\n",
		name,
		imageID,
		memberID,
		body,
	)
}

// memberAddr is the address of memberBlock("test", …).
const memberAddr = "glance_image_member.test"

// imageMemberConfig shares imageID with memberID as the owner.
func imageMemberConfig(imageID, memberID string) string {
	return providerProducer + memberBlock("test", imageID, memberID)
}

// --- checks -----------------------------------------------------------------------------------

// rfc3339 is a timestamp as the provider writes it to state.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// emptyPlanAfterApply is every apply's last word: nothing left to change.
var emptyPlanAfterApply = tfresource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

func checkMemberGone(t *testing.T, imageID, memberID string) func(*terraform.State) error {
	return func(*terraform.State) error { return acctest.CheckMemberGone(t, [2]string{imageID, memberID}) }
}

// checkAPIStatus reads the member from Glance directly, as the image's owner.
func checkAPIStatus(t *testing.T, imageID, memberID, want string) func(*terraform.State) error {
	return func(*terraform.State) error {
		m, err := acctest.GetMember(imageID, memberID, acctest.Image(t, devcloud.Producer))
		if err != nil {
			return fmt.Errorf("Glance: image %s member %s: %v", imageID, memberID, err)
		}
		if m.Status != want {
			return fmt.Errorf("Glance: image %s member %s has status %q, want %q", imageID, memberID, m.Status, want)
		}
		return nil
	}
}

// checkMembers compares Glance's member list with want, as the owner sees it.
func checkMembers(t *testing.T, imageID string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, sorted(want)) {
			return fmt.Errorf("Glance: image %s has members %v, want %v", imageID, got, sorted(want))
		}
		return nil
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// spaced lets a space in a pattern match Terraform's line wrapping.
func spaced(pattern string) string { return strings.ReplaceAll(pattern, " ", `\s+`) }

// --- the provider's own client and state, for tests that call a resource directly ------------

// withClient is a resource's or data source's configuredClient with client, logged in.
func withClient(client *glanceclient.Client) configuredClient {
	return configuredClient{source: loggedIn(client)}
}

// producerClient is the provider's own client, logged in as the image owner of the local
// cloud's clouds.yaml.
func producerClient(t *testing.T) *glanceclient.Client {
	t.Helper()
	env := acctest.PreCheck(t)
	cfg, err := glanceclient.Resolve(
		glanceclient.Block{Settings: map[string]string{"cloud": devcloud.Producer}},
		env.Getenv,
	)
	if err != nil {
		t.Fatal(err)
	}
	client, err := glanceclient.New(context.Background(), cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// emptyState is a null state of the resource's schema, ready to Set.
func emptyState(r resource.Resource) tfsdk.State {
	ctx := context.Background()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	return tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
}

// memberState is a glance_image_member state of a pending membership, timeouts null.
func memberState(t *testing.T, imageID, memberID string) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	state := emptyState(&imageMemberResource{})
	m := imageMemberFromAPI(
		&glanceclient.Member{ImageID: imageID, MemberID: memberID, Status: "pending", Schema: "/v2/schemas/member"},
		devcloud.RegionOne,
		timeouts.Value{},
	)
	if d := state.GetAttribute(ctx, path.Root("timeouts"), &m.Timeouts); d.HasError() { // null, of the schema's type
		t.Fatal(d)
	}
	if d := state.Set(ctx, m); d.HasError() {
		t.Fatal(d)
	}
	return state
}

// memberCalls are the proxy's requests without the version's discovery, which a provider
// process makes once per endpoint of a service without v2 (TestAccImageAPI_detection counts it).
func memberCalls(proxy *proxytest.Proxy) []string {
	var out []string
	for _, e := range proxy.Exchanges() {
		r := e.Method + " " + e.Path
		// The version's discovery aside: a try of v2 that a service without it answers with
		// its versions document (HTTP 300), and the read of that document.
		if r != acctest.VersionDetection && e.Status != http.StatusMultipleChoices {
			out = append(out, r)
		}
	}
	return out
}

// imageServices are the real Glance (v2) and a v1 stand-in started for the calling test.
func imageServices(t *testing.T, env acctest.Env) []imageService {
	v1 := glancev1test.Start(t, env.AuthURL)
	return []imageService{{
		api:      glanceclient.ImageAPIv2,
		url:      env.ImageURL,
		newImage: func(t *testing.T) string { return acctest.NewImage(t, images.ImageVisibilityShared) },
		members: func(t *testing.T, imageID string) map[string]bool {
			out := map[string]bool{}
			for _, id := range acctest.MemberIDs(t, imageID) {
				out[id] = false
			}
			return out
		},
		add: func(t *testing.T, imageID, memberID string, _ bool) { acctest.AddMember(t, imageID, memberID) },
		remove: func(t *testing.T, imageID, memberID string) {
			acctest.RemoveMember(t, imageID, memberID)
		},
	}, {
		api: glanceclient.ImageAPIv1,
		url: v1.URL,
		newImage: func(*testing.T) string {
			return v1.AddImage(env.ProducerProject, "shared")
		},
		members: func(_ *testing.T, imageID string) map[string]bool { return v1.Members(imageID) },
		add: func(_ *testing.T, imageID, memberID string, canShare bool) {
			v1.SetMember(imageID, memberID, canShare)
		},
		remove: func(_ *testing.T, imageID, memberID string) { v1.RemoveMember(imageID, memberID) },
	}}
}

// imageService is an image service the owner-side tests run against.
type imageService struct {
	api string // glanceclient.ImageAPIv2 or ImageAPIv1
	url string // its unversioned endpoint
	// newImage is a shared image the producer owns, gone when the test ends.
	newImage func(t *testing.T) string
	// members is an image's members as the service has them: member ID → can_share.
	members func(t *testing.T, imageID string) map[string]bool
	// add and remove change a membership out of band, as the owner.
	add    func(t *testing.T, imageID, memberID string, canShare bool)
	remove func(t *testing.T, imageID, memberID string)
}

// destroyLeavesNothing destroys and checks that Glance has no member left.
func destroyLeavesNothing(t *testing.T, w *tfcli.Workdir, imageID string) {
	t.Helper()
	w.Must("destroy", "-auto-approve", "-input=false")
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("destroy left %v", got)
	}
}

// pendingThenDestroyed ends a test that applied one membership with the terraform command:
// Glance has it pending, the plan is empty, and destroy removes it.
func pendingThenDestroyed(t *testing.T, w *tfcli.Workdir, imageID, memberID string) {
	t.Helper()
	if err := checkAPIStatus(t, imageID, memberID, "pending")(nil); err != nil {
		t.Fatal(err)
	}
	w.ExpectEmptyPlan()
	w.Must("destroy", "-auto-approve", "-input=false")
	if err := checkMemberGone(t, imageID, memberID)(nil); err != nil {
		t.Fatal(err)
	}
}

// pemOf is the PEM text of a file, for attributes that take a path or the text itself.
func pemOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// heredoc is s as an HCL heredoc, for PEM text in an attribute.
func heredoc(s string) string { return "<<-EOT\n" + s + "\nEOT" }

// stateMembers is the member_id of every glance_image_member in the work directory's state,
// sorted, and how many of them are tainted.
func stateMembers(t *testing.T, w *tfcli.Workdir) (ids []string, tainted int) {
	t.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type    string         `json:"type"`
					Tainted bool           `json:"tainted"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(w.Must("show", "-json")), &show); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	for _, r := range show.Values.RootModule.Resources {
		if r.Type == "glance_image_member" {
			ids = append(ids, fmt.Sprint(r.Values["member_id"]))
			if r.Tainted {
				tainted++
			}
		}
	}
	return sorted(ids), tainted
}

// countDiagnostics counts the diagnostics of a summary in the output of a terraform command
// run with -json (one line each, never folded together as the human view folds them).
func countDiagnostics(jsonOut, summary string) int {
	n := 0
	for _, line := range strings.Split(jsonOut, "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Summary string `json:"summary"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Summary == summary {
			n++
		}
	}
	return n
}
