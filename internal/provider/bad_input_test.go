package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/path"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// troubleshootingPage lists every case below, under a heading with the case's name, quoting
// what the error says.
const troubleshootingPage = "../../templates/guides/troubleshooting.md.tmpl"

// badInput is one way to get it wrong. The run asserts the error and that Glance's member
// list did not change.
type badInput struct {
	name string // also its heading on the Troubleshooting page
	// owner is the cloud whose project owns a fresh image of this visibility; with no owner
	// there is no image and imageID is used as given.
	owner      string
	visibility images.ImageVisibility
	imageID    string
	before     func(t *testing.T, imageID string) // arrange out of band
	config     func(imageID string) string
	importID   func(imageID string) string // an import step instead of an apply
	planOnly   bool
	says       string // words of the error, verbatim; the Troubleshooting page quotes them
	alsoSays   string // a regexp for the parts with IDs in them, apart from says
}

func badInputs(env acctest.Env) []badInput {
	const missing = "00000000-0000-4000-8000-000000000000"
	owner := func(imageID, memberID string) string { return imageMemberConfig(imageID, memberID) }
	as := func(cloud, resources string) string {
		return fmt.Sprintf("provider \"glance\" {\n  cloud = %q\n}\n%s", cloud, resources)
	}
	member := func(imageID, memberID string) string { return memberBlock("test", imageID, memberID) }
	acceptance := func(imageID, memberID string) string {
		return fmt.Sprintf("\nresource \"glance_image_member_acceptance\" \"test\" {\n  image_id  = %q\n  member_id = "+
			"%q\n}\n", imageID, memberID)
	}
	toConsumer := func(imageID string) string { return owner(imageID, env.ConsumerProject) }
	shareWithConsumer := func(t *testing.T, imageID string) { acctest.AddMember(t, imageID, env.ConsumerProject) }
	return []badInput{
		{name: "Malformed image_id", imageID: "not-a-uuid", config: toConsumer, planOnly: true,
			says: "must be an image ID: a lower-case UUID"},
		{name: "Upper-case image_id", imageID: "ABCDEF00" + missing[8:], config: toConsumer, planOnly: true,
			says: "must be an image ID: a lower-case UUID"},
		{name: "Unknown image", imageID: missing, config: toConsumer,
			says:     "was not found, or is not visible to project",
			alsoSays: `Image ` + missing + `, member ` + env.ConsumerProject + `: image ` + missing},
		{
			name:       "Image not visible to the caller",
			owner:      "consumer2",
			visibility: images.ImageVisibilityShared,
			config:     toConsumer,
			says:       "was not found, or is not visible to project",
		},
		{name: "Private image", owner: "producer", visibility: images.ImageVisibilityPrivate, config: toConsumer,
			says: "has visibility 'private'; only images with visibility 'shared' can have members"},
		{name: "Community image", owner: "producer", visibility: images.ImageVisibilityCommunity, config: toConsumer,
			says: "has visibility 'community'; only images with visibility 'shared' can have members"},
		{name: "Empty member_id", owner: "producer", visibility: images.ImageVisibilityShared, planOnly: true,
			config: func(id string) string { return owner(id, "") }, says: "string length must be between 1 and 255"},
		{name: "member_id containing '/'", owner: "producer", visibility: images.ImageVisibilityShared, planOnly: true,
			config: func(id string) string { return owner(id, "a/b") }, says: "must be a project ID, which never contains '/'"},
		{
			name:       "member_id with a character no project ID has",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			planOnly:   true,
			config:     func(id string) string { return owner(id, "victim?x=1") },
			says: "must be a project ID, which never " +
				"contains '?'",
		},
		{name: "member_id of 256 characters", owner: "producer", visibility: images.ImageVisibilityShared, planOnly: true,
			config: func(id string) string { return owner(id, strings.Repeat("a", 256)) }, says: "string length must be " +
				"between 1 and 255"},
		{
			name:       "Upper-case member ID",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			planOnly:   true,
			config:     func(id string) string { return owner(id, strings.ToUpper(env.ConsumerProject)) },
			says:       "must be a project ID, which Keystone writes in lower case:",
			alsoSays:   `use "` + env.ConsumerProject + `"`,
		},
		{
			name:       "Timeout of zero or less",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			planOnly:   true,
			config: func(id string) string {
				return providerProducer + memberBlock("test", id, env.ConsumerProject, "timeouts {\n  create = \"0s\"\n  "+
					"delete = \"-1m\"\n}")
			},
			says: "must be longer than zero: a timeout of",
		},
		{
			name:       "Image shared with its own project",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			planOnly:   true,
			config:     func(id string) string { return owner(id, env.ProducerProject) },
			says:       "is the project the provider acts as, which owns the image",
		},
		{name: "Member quota reached", owner: "producer", visibility: images.ImageVisibilityShared, config: toConsumer,
			before: func(t *testing.T, id string) { acctest.Fill(t, id, env.MemberQuota) },
			says:   "has reached Glance's limit on members per image", alsoSays: `Attempted: \d+, Maximum: \d+`},
		{name: "Accepting an image not shared yet", owner: "producer", visibility: images.ImageVisibilityShared,
			config: func(id string) string { return as("consumer", acceptance(id, env.ConsumerProject)) },
			says:   "The image's owner must first add project"},
		{
			name:       "Owner trying to accept",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			before:     shareWithConsumer,
			config:     func(id string) string { return as("producer", acceptance(id, env.ConsumerProject)) },
			says:       "only the member project, or an admin, can accept or reject an image it was offered",
			alsoSays:   `acts as project ` + env.ProducerProject + `, not ` + env.ConsumerProject,
		},
		{
			name:       "Member project trying to add a member",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			before:     shareWithConsumer,
			config:     func(id string) string { return as("consumer", member(id, env.Consumer2Project)) },
			says:       "only the owner can add members",
			alsoSays:   `owned by project ` + env.ProducerProject + `, but the provider acts as project ` + env.ConsumerProject,
		},
		{name: "Wrong password", owner: "producer", visibility: images.ImageVisibilityShared, before: shareWithConsumer,
			config: func(id string) string {
				return fmt.Sprintf(`
provider "glance" {
  auth_url         = %q
  user_name        = "producer"
  user_domain_name = "Default"
  password         = "not-the-password"
  project_name     = "producer"
}
`, env.AuthURL) + member(id, env.Consumer2Project)
			},
			says: "rejected the credentials", alsoSays: `user "producer", project "producer"`},
		{name: "Wrong password beside cloud", owner: "producer", visibility: images.ImageVisibilityShared,
			before: shareWithConsumer,
			// The block's password wins over the cloud entry's (the openstack provider would ignore it), and the
			// message says so.
			config: func(id string) string {
				return "provider \"glance\" {\n  cloud    = \"producer\"\n  password = \"not-the-password\"\n}\n" +
					member(id, env.Consumer2Project)
			},
			says: "rejected the credentials",
			alsoSays: `came from: user_name \(from cloud producer of [^)]*clouds.yaml\), password \(from provider attribute ` +
				`password\), project_name \(from cloud producer of`},
		{
			name:       "Unknown cloud in clouds.yaml",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			before:     shareWithConsumer,
			config:     func(id string) string { return as("no-such-cloud", member(id, env.Consumer2Project)) },
			says: "Check the cloud name (attribute cloud or OS_CLOUD), or point OS_CLIENT_CONFIG_FILE at the file that " +
				"has it.",
			alsoSays: `Cloud "no-such-cloud" is not in [^ ]+clouds.yaml, which has entries admin, consumer,`,
		},
		{name: "Two ways to log in", owner: "producer", visibility: images.ImageVisibilityShared, before: shareWithConsumer,
			config: func(id string) string {
				return "provider \"glance\" {\n  cloud = \"producer\"\n  token = \"some-token\"\n}\n" + member(
					id,
					env.Consumer2Project,
				)
			},
			says:     "More than one way to authenticate is configured",
			alsoSays: `password \(from cloud producer of [^)]*clouds.yaml\), token \(from provider attribute token\)`},
		{name: "Unreachable auth_url", owner: "producer", visibility: images.ImageVisibilityShared, before: shareWithConsumer,
			config: func(id string) string {
				return "provider \"glance\" {\n  auth_url = \"http://127.0.0.1:1/v3\"\n  token    = \"x\"\n}\n" + member(
					id,
					env.Consumer2Project,
				)
			},
			says:     "Check that URL where it is set, and that the host and port are reachable from here.",
			alsoSays: `Cannot reach Keystone at http://127.0.0.1:1/v3 \(auth_url, from provider attribute auth_url\)`},
		{
			name:       "Import ID without '/'",
			owner:      "producer",
			visibility: images.ImageVisibilityShared,
			before:     shareWithConsumer,
			config:     toConsumer,
			importID:   func(id string) string { return id },
			says:       "The import ID must have the form [<region>/]<image_id>/<member_id>",
		},
	}
}

// Every way to get it wrong gets a clear error that names the cause and the fix, and Glance's
// member list stays as it was.
func TestAccBadInput(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, tc := range badInputs(env) {
		t.Run(tc.name, func(t *testing.T) {
			imageID := tc.imageID
			if tc.owner != "" {
				imageID = acctest.NewImageOf(t, tc.owner, tc.visibility)
			}
			if tc.before != nil {
				tc.before(t, imageID)
			}
			// Glance lists the members of shared images only; the others are fresh, so none.
			members := func() []string {
				if tc.owner == "" {
					return nil
				}
				if tc.visibility != images.ImageVisibilityShared {
					acctest.SetVisibility(t, imageID, images.ImageVisibilityShared)
				}
				return acctest.MemberIDsOf(t, tc.owner, imageID)
			}
			var before []string
			if tc.visibility == images.ImageVisibilityShared {
				before = members()
			}
			says := spaced(regexp.QuoteMeta(tc.says))
			if also := spaced(tc.alsoSays); also != "" { // both, in either order
				says = "(?:" + says + ".*" + also + "|" + also + ".*" + says + ")"
			}
			step := tfresource.TestStep{
				Config:      tc.config(imageID),
				PlanOnly:    tc.planOnly,
				ExpectError: regexp.MustCompile(`(?s)` + says),
			}
			if tc.importID != nil {
				step.ResourceName, step.ImportState, step.ImportStateId = memberAddr, true, tc.importID(imageID)
			}
			tfresource.ParallelTest(
				t,
				tfresource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: []tfresource.TestStep{step}},
			)
			if after := members(); !slices.Equal(after, before) {
				t.Errorf("Glance's members changed: %v, were %v", after, before)
			}
		})
	}
}

func summaryOf(_ path.Path, summary, _ string) string { return summary }

func first(summary, _ string) string { return summary }

func third(_ path.Path, _, detail string) string { return detail }

// quoted is words of an error that the Troubleshooting page quotes, checked to be the error's.
func quoted(t *testing.T, err, words string) string {
	t.Helper()
	if !strings.Contains(err, words) {
		t.Fatalf("the error no longer says %q: %s", words, err)
	}
	return words
}

// elsewhere are the errors and warnings proven by their own tests (an interruption, a lost
// answer, Keystone away, validation), with the words the page must quote, taken from the code.
func elsewhere(t *testing.T) []struct{ name, says string } {
	reauth := memberError(
		glanceclient.NewStatic("http://127.0.0.1:1", "t", "p", glanceclient.ImageAPIv2),
		opRead,
		crudRead,
		exampleImageID,
		"p",
		&gophercloud.ErrUnableToReauthenticate{
			ErrOriginal: errors.New("401"),
			ErrReauth:   &glanceclient.KeystoneError{URL: "http://keystone:5000/v3", Err: errors.New("connection refused")},
		},
	)
	const keystone = "Glance asked for a new token (HTTP 401), and logging in again at Keystone"
	if !strings.Contains(reauth.Detail(), keystone) {
		t.Fatalf("memberError no longer says %q: %s", keystone, reauth.Detail())
	}
	return []struct{ name, says string }{
		{"Interrupted run", noAnswerCause(context.Canceled, "create")},
		{"Redirect to another host refused", quoted(t, (&glanceclient.RedirectRefusedError{}).Error(), "another host; the "+
			"provider refused to follow it, because the request carries credentials")},
		{
			"Answer that cannot be read",
			quoted(t, (&glanceclient.UnreadableAnswerError{}).Error(), "but the answer cannot be read"),
		},
		{"Lost answer on add", strings.SplitAfter(afterLostAnswer[opAdd], "marked tainted")[0]},
		{"Lost answer on add under Terraform 1.16", quoted(t, afterLostAnswer[opAddUnkept], "Terraform 1.16 cannot "+
			"keep a failed create in state (it would then save no state of this run at all), so this resource is not in state")},
		{"Lost answer on a list's add", afterLostAnswer[opListAdd]},
		{"Image member already existed: adopted", quoted(t, memberAdopted(&glanceclient.Member{}).Detail(),
			"This resource now manages it; nothing needs importing.")},
		{"Failed create of image members undone", quoted(t, createUndone(exampleImageID, 2, 0, true).Detail(),
			"it had added were removed again, and nothing of it is in state")},
		{"Retries spent", quoted(t, retriesSpent(&glanceclient.RetriesExhaustedError{Attempts: 2}, "create"),
			"each time with a failure worth retrying")},
		{"Image members change", quoted(t, membersChanged(exampleImageID, nil, []string{"p"}).Detail(),
			"which lose access to the image and their answers")},
		{"Image of image member not found", quoted(t, imageGone(exampleImageID, "p").Detail(),
			"A plan that adds it again fails at apply")},
		{"Property filter Glance cannot send", quoted(t, third(glanceParameterAsProperty(path.Root("properties"), "name")),
			"which Glance's image list reads as its own parameter")},
		{"Timeout", strings.SplitAfter(noAnswerCause(context.DeadlineExceeded, "create"), "before Glance answered.")[0]},
		{"Keystone away when logging in again", keystone},
		{"Conflicting provider settings", "These attributes cannot be configured together"},
		{"Creating glance_image_members removes members", membersRemovedOnCreate(exampleImageID, []string{"p"}).Summary()},
		// Glance v1 (image_apis_test.go)
		{"can_share on a v2 cloud", summaryOf(canShareNeedsV1(exampleImageID, "p", "http://glance:9292/"))},
		{"Answering on a v1 cloud", first(acceptanceNeedsV2(exampleImageID, "p", "http://glance:9292/"))},
		{"Status filter on a v1 cloud", summaryOf(statusFilterNeedsV2("status", "accepted", "http://glance:9292/"))},
		{"Not allowed to share, on v1", strings.TrimSuffix(v1Refusal, ": ")},
		{
			"image_api_version the service does not serve",
			strings.SplitAfter(strings.SplitAfter(
				wrongAPICause(glanceclient.NewStatic("http://glance:9292", "t", "p", glanceclient.ImageAPIv2)),
				"glance:9292/ ")[1], "(HTTP 300)")[0],
		},
		{"No image versions document", "Cannot tell which Image API the image service speaks"},
		// data.glance_image (image_data_source_test.go)
		{"No image matches", imageSearchCount(glanceclient.ImageQuery{Name: "x"}, nil).Summary()},
		{
			"Several images match",
			imageSearchCount(glanceclient.ImageQuery{Name: "x"}, make([]glanceclient.Image, 2)).Summary(),
		},
		{
			"Resource stays in its region",
			regionKept(exampleImageID, "p", "RegionOne", "RegionTwo").Summary()[:len("Resource stays in its region")],
		},
		{"Changing region replaces the resource", regionMoved(exampleImageID, "p", "RegionOne", "RegionTwo").Summary()},
		{
			"Destroying the answer leaves the membership pending",
			strings.TrimSuffix(answerOnDestroy(exampleImageID, "p", "accepted", "pending").Summary(), " pending"),
		},
	}
}

// The Troubleshooting page has a section for every case, quoting its error.
func TestTroubleshootingPage_listsEveryCase(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(troubleshootingPage)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(page), "\n### ")[1:] {
		title, body, _ := strings.Cut(part, "\n")
		sections[title] = body
	}
	cases := badInputs(acctest.Env{})
	for _, e := range elsewhere(t) {
		cases = append(cases, badInput{name: e.name, says: e.says})
	}
	for _, tc := range cases {
		body, ok := sections[tc.name]
		if !ok {
			t.Errorf("%s has no section \"### %s\"", troubleshootingPage, tc.name)
			continue
		}
		if !strings.Contains(strings.Join(strings.Fields(body), " "), tc.says) {
			t.Errorf("section %q does not quote the error: %q", tc.name, tc.says)
		}
	}
	if len(sections) < len(cases) {
		t.Errorf("%d sections for %d cases", len(sections), len(cases))
	}
}
