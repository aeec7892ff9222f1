package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// The shared words of every member diagnostic: what failed, on which image and member, why
// in plain words, what to do, then Glance's own message. Resources call memberError and
// never build these strings themselves.

// memberOp is what was being done when a member call failed, and by which resource: the
// way back after a lost answer differs.
type memberOp int

const (
	opAdd    memberOp = iota // glance_image_member
	opRead                   // any single membership
	opRemove                 // glance_image_member
	// opStatus is the member project setting its answer (accept, reject, pending).
	opStatus
	// opList is reading an image's whole member list (memberID is then "").
	opList
	// opListAdd and opListRemove are glance_image_members changing one member of its list.
	opListAdd
	opListRemove
	// opReplace is glance_image_members writing its whole list in one request (v1).
	opReplace
	// opCanShare is the owner changing a member's can_share (v1).
	opCanShare
	// opAddUnkept is glance_image_member's add under a Terraform that cannot keep a failed
	// create in state (keepsFailedCreatesIn): the way back after a lost answer differs.
	opAddUnkept
)

var opSummary = map[memberOp]string{
	opAdd:        "Error adding image member",
	opRead:       "Error reading image member",
	opRemove:     "Error removing image member",
	opStatus:     "Error setting image member status",
	opList:       "Error listing image members",
	opListAdd:    "Error adding image member",
	opListRemove: "Error removing image member",
	opReplace:    "Error replacing image members",
	opCanShare:   "Error setting can_share of image member",
	opAddUnkept:  "Error adding image member",
}

// afterLostAnswer is what happens next when a change may or may not have been made (its
// request reached Glance, and the answer was lost or was a failure on Glance's side): every
// resource converges on the next apply by itself, and says how.
var afterLostAnswer = map[memberOp]string{
	opAdd: "The request reached Glance but its answer was lost or was an error, and Glance could not be read " +
		"afterwards to tell, so the membership may or may not exist. " +
		"Terraform keeps this resource in state, marked tainted, so that terraform destroy removes it: the next apply " +
		"reads Glance and adds the membership if it is missing, or replaces it (removes and adds it again) if it exists. " +
		"Nothing to import or clean up by hand.",
	opAddUnkept: "The request reached Glance but its answer was lost or was an error, and Glance could not be read " +
		"afterwards to tell, so the membership may or may not exist. Terraform 1.16 cannot keep a failed create in state " +
		"(it would then save no state of this run at all), so this resource is not in state: the next apply adds the " +
		"membership, or adopts it if this request made it (a warning says so); nothing to import. Only a terraform " +
		"destroy run before that apply would not know of it: then remove it by hand if it is there " +
		"(openstack image remove project <image> <member>).",
	opListAdd: "The request reached Glance but its answer was lost or was an error, so the membership may or may not " +
		"exist. The next apply lists the image's members and adds only what is still missing.",
	opRemove: "The request reached Glance but its answer was lost or was an error, so the membership may or may not be " +
		"gone. It stays in state: the next apply reads Glance and removes it if it is still there.",
	opListRemove: "The request reached Glance but its answer was lost or was an error, so the membership may or may " +
		"not be gone. The next apply lists the image's members and removes it if it is still there.",
	opCanShare: "The request reached Glance but its answer was lost or was an error, so can_share may or may not have " +
		"changed. The next apply reads it and sets it again if needed: setting it twice is harmless.",
	opStatus: "The request reached Glance but its answer was lost or was an error, so the answer may or may not have " +
		"been recorded. The next apply sets it again: setting an answer twice is harmless.",
	opReplace: "The request reached Glance but its answer was lost or was an error, so the member list may or may not " +
		"have been replaced. The next apply lists the image's members and replaces the list again if it differs.",
}

// failure is what kind of thing went wrong with a call to Keystone or Glance: the one
// classification every error diagnostic starts from (memberError, sharedImagesError,
// imageSearchError), which then say it for their operation.
type failure int

const (
	failReauth       failure = iota // Glance asked for a new token, and logging in again failed
	failUnsupported                 // the image service's Image API version has no such call
	failWrongAPI                    // the image service answered with its versions document
	failDetection                   // which Image API the service speaks could not be told
	failNoAnswer                    // no usable answer: none, too late, unreadable, a redirect refused
	failUnauthorized                // HTTP 401
	failForbidden                   // HTTP 403
	failNotFound                    // HTTP 404
	failMalformed                   // HTTP 400
	failQuota                       // HTTP 413: Glance's limit on members per image
	failRefused                     // any other status: 409, 405, 5xx, …
)

// classify says what kind of failure err is; the first that applies wins.
func classify(err error) failure {
	var reauth *gophercloud.ErrUnableToReauthenticate
	var unsupported *glanceclient.UnsupportedError
	var wrongAPI *glanceclient.WrongAPIError
	var detection *glanceclient.DetectionError
	switch {
	case errors.As(err, &reauth):
		return failReauth
	case errors.As(err, &unsupported):
		return failUnsupported
	case errors.As(err, &wrongAPI):
		return failWrongAPI
	case errors.As(err, &detection):
		return failDetection
	}
	if kind, ok := failureByStatus[glanceclient.Status(err)]; ok {
		return kind
	}
	return failRefused
}

var failureByStatus = map[int]failure{
	0:                                failNoAnswer,
	http.StatusUnauthorized:          failUnauthorized,
	http.StatusForbidden:             failForbidden,
	http.StatusNotFound:              failNotFound,
	http.StatusBadRequest:            failMalformed,
	http.StatusRequestEntityTooLarge: failQuota,
}

// memberError explains a failed member call made during a CRUD operation (whose timeout the
// advice names), from what the client found out (a refusal's reason, a lost answer, retries
// spent): it only formats, and never calls Glance. The title is the operation's (opSummary),
// the cause and fix the failure kind's (memberCauses), then what happens next after a lost
// answer (afterLostAnswer) and Glance's own words.
func memberError(
	client *glanceclient.Client,
	op memberOp,
	during crudOp,
	imageID, memberID string,
	err error,
) diag.Diagnostic {
	f := failedCall{client: client, op: op, during: during, imageID: imageID, memberID: memberID, err: err}
	detail := subjectOf(imageID, memberID)
	var exhausted *glanceclient.RetriesExhaustedError
	if errors.As(err, &exhausted) {
		detail += retriesSpent(exhausted, during.String())
	}
	cause, glanceSaid := memberCauses[classify(err)](f)
	detail += cause
	var unknown *glanceclient.OutcomeUnknownError
	if errors.As(err, &unknown) {
		detail += " " + afterLostAnswer[op]
	}
	if glanceSaid {
		detail += "\n\nGlance said: " + glanceclient.Message(err)
	}
	return diag.NewErrorDiagnostic(opSummary[op], detail)
}

// failedCall is one failed member call, as memberCauses sees it.
type failedCall struct {
	client            *glanceclient.Client
	op                memberOp
	during            crudOp
	imageID, memberID string
	err               error
}

// memberCauses is the table of kind × operation: for each kind of failure, the cause and the
// fix of a failed member call (an entry that depends on the operation looks at f.op), and
// whether Glance's own message is worth adding (it is when Glance answered).
var memberCauses = map[failure]func(f failedCall) (cause string, glanceSaid bool){
	failReauth: func(f failedCall) (string, bool) {
		var reauth *gophercloud.ErrUnableToReauthenticate
		errors.As(f.err, &reauth)
		return fmt.Sprintf("Glance asked for a new token (HTTP 401), and %s. Check that Keystone is up and reachable at "+
			"auth_url (%s), then run again; the provider already retried for as long as the operation's timeout and "+
			"max_retries allow.", reauth.ErrReauth, f.client.AuthURL), false
	},
	failUnsupported: func(f failedCall) (string, bool) {
		var unsupported *glanceclient.UnsupportedError
		errors.As(f.err, &unsupported)
		return unsupported.Error() + " (image service at " + f.client.Endpoint + "). Change the configuration as the " +
			"plan-time error for this resource says; Glance was not asked.", false
	},
	failWrongAPI: func(f failedCall) (string, bool) {
		var wrongAPI *glanceclient.WrongAPIError
		errors.As(f.err, &wrongAPI)
		return wrongAPICause(f.client) + " (Asked: " + wrongAPI.Method + " " + wrongAPI.URL + ".)", false
	},
	failDetection:    func(f failedCall) (string, bool) { return detectionCause(f.err) + ".", false },
	failNoAnswer:     func(f failedCall) (string, bool) { return noAnswerCause(f.err, f.during.String()), false },
	failUnauthorized: func(f failedCall) (string, bool) { return unauthorizedCause(f.client), true },
	failForbidden:    func(f failedCall) (string, bool) { return forbiddenMemberCause(f), true },
	failNotFound:     func(f failedCall) (string, bool) { return notFoundMemberCause(f), true },
	failQuota: func(f failedCall) (string, bool) {
		return fmt.Sprintf("image %s has reached Glance's limit on members per image (the numbers are below). Remove a "+
			"member it no longer needs, or ask the cloud operator to raise image_member_quota.", f.imageID), true
	},
	failMalformed: func(f failedCall) (string, bool) { return statusCause(glanceclient.Status(f.err), f.err), true },
	failRefused:   func(f failedCall) (string, bool) { return statusCause(glanceclient.Status(f.err), f.err), true },
}

// forbiddenMemberCause explains Glance's 403 to a member call: a system-scoped token, a
// member's answer given by someone who may not give it, or the refusal's reason
// (forbiddenCause).
func forbiddenMemberCause(f failedCall) string {
	switch {
	case f.client.SystemScope != "":
		return systemScopeCause(f.client, http.StatusForbidden)
	case f.op == opStatus && f.client.ProjectID == f.memberID:
		return fmt.Sprintf("the provider acts as project %s, the member, but its user lacks the member role there: a "+
			"reader sees the images shared with the project but cannot answer. Give the user the member role on project %s, "+
			"or use credentials that have it.", f.memberID, f.memberID)
	case f.op == opStatus:
		return fmt.Sprintf("only the member project, or an admin, can accept or reject an image it was offered, and "+
			"the provider acts as project %s, not %s, without the admin role (the image's owner cannot answer for its "+
			"members). Configure this provider with credentials scoped to project %s, or with an admin's.",
			f.client.ProjectID, f.memberID, f.memberID)
	}
	return forbiddenCause(f.client, f.op, f.imageID, f.err)
}

// notFoundMemberCause explains Glance's 404 to a member call.
func notFoundMemberCause(f failedCall) string {
	switch {
	case f.client.SystemScope != "":
		return systemScopeCause(f.client, http.StatusNotFound)
	case f.op == opStatus:
		return fmt.Sprintf("image %s is not shared with project %s (or does not exist). The image's owner must first add "+
			"project %s as a member (glance_image_member, with the owner's credentials); then apply again.",
			f.imageID, f.memberID, f.memberID)
	}
	return fmt.Sprintf("image %s was not found, or is not visible to project %s. Check image_id, and that the "+
		"provider's credentials are those of the image's owner.", f.imageID, f.client.ProjectID)
}

// unauthorizedCause explains Glance refusing the token (HTTP 401) when logging in again was
// not possible or not allowed.
func unauthorizedCause(client *glanceclient.Client) string {
	switch {
	case client.FixedToken:
		return "Glance did not accept the token given in token (OS_TOKEN): it has expired or was revoked, and a given " +
			"token cannot be renewed. Give a fresh token, or configure a password or application credential so the " +
			"provider can log in again by itself."
	case client.ReauthOff != "":
		return fmt.Sprintf("Glance did not accept the provider's token: it has expired or was revoked, and "+
			"allow_reauth = false (from %s) keeps the provider from logging in again. Set allow_reauth to true (the "+
			"default), or keep runs shorter than the token's lifetime.", client.ReauthOff)
	}
	return "Glance did not accept the provider's token. Check the provider credentials; if they were changed during " +
		"the run, run again."
}

// detectionCause is a failure to tell the service's Image API version, in words.
func detectionCause(err error) string {
	var detection *glanceclient.DetectionError
	errors.As(err, &detection)
	return detection.Error()
}

// memberAdopted warns that a membership this resource was to add was there already and is
// now managed here: what two owners of one membership do to each other.
func memberAdopted(m *glanceclient.Member) diag.Diagnostic {
	when := "Image API v1 records no creation time"
	if !m.CreatedAt.IsZero() {
		when = "Glance created it at " + m.CreatedAt.UTC().Format(time.RFC3339) + ", before this apply's add; its " +
			"answer is " + m.Status
	}
	return diag.NewWarningDiagnostic("Image member already existed: adopted", fmt.Sprintf(
		"%sproject %s was already a member of image %s (%s): a run killed before it could record the membership, or "+
			"someone else, made it. This resource now manages it; nothing needs importing. If another configuration or "+
			"resource also manages this membership (a glance_image_member, the image's glance_image_members, or "+
			"openstack_images_image_access_v2), each undoes the other's changes, and destroying either one ends project "+
			"%s's access for both: keep one.",
		subjectOf(m.ImageID, m.MemberID), m.MemberID, m.ImageID, when, m.MemberID))
}

// glanceParameterAsProperty is the plan-time error for a property filter whose key Glance's
// image list reads as one of its own parameters.
func glanceParameterAsProperty(at path.Path, key string) (path.Path, string, string) {
	return at, "Property filter Glance cannot send", fmt.Sprintf(
		"properties has the key %q, which Glance's image list reads as its own parameter (an image field, paging, "+
			"sorting, or a _min/_max range), not as an image property: the image found would not be the one named. Use the "+
			"data source's own attribute (name, owner, visibility, tags) for that field, or remove the key.", key)
}

// imageGone warns that a membership's image (or a member list's, memberID "") no longer
// exists: its state is dropped, and a plan that adds it again will fail at apply.
func imageGone(imageID, memberID string) diag.Diagnostic {
	what := "the membership of project " + memberID + " went with it and is"
	if memberID == "" {
		what = "its members went with it and are"
	}
	return diag.NewWarningDiagnostic("Image of image member not found", fmt.Sprintf(
		"%simage %s no longer exists (Glance answered 404), so %s removed from state. A plan that adds it again fails "+
			"at apply: point image_id at the image that replaced it, or remove this resource from the configuration.",
		subjectOf(imageID, memberID), imageID, what))
}

// retriesSpent says how the retries of a transient failure ended, and what to raise: the
// timeouts block entry that bounds the operation (timeout: "create", …), or max_retries.
func retriesSpent(e *glanceclient.RetriesExhaustedError, timeout string) string {
	times := fmt.Sprintf("%d times in a row", e.Attempts)
	if e.Attempts == 1 {
		times = "once"
	}
	first, _, _ := strings.Cut(timeout, " ")
	raise := fmt.Sprintf("raise it in the timeouts block (%s; for example timeouts { %s = \"20m\" })", timeout, first)
	switch {
	case e.RetryAfter > 0:
		return fmt.Sprintf("the request failed %s with a failure worth retrying, and Glance asked to wait %s before the "+
			"next try (Retry-After), longer than the operation's timeout has left: %s, or run again when the cloud is less "+
			"busy. ", times, e.RetryAfter, raise)
	case e.Deadline:
		return fmt.Sprintf("the request failed %s, each time with a failure worth retrying, and the operation's timeout "+
			"ended the retries (%s if the cloud is often this slow). ", times, raise)
	}
	return fmt.Sprintf("the request failed %s, each time with a failure worth retrying, and max_retries ended the "+
		"retries (raise max_retries or OS_MAX_RETRIES if the cloud is often this busy). ", times)
}

// createUndone says what a failed create of glance_image_members left: the added members
// it removed again, or those it could not, which stay in state so that a destroy removes them
// (unless this Terraform cannot keep a failed create: kept false).
func createUndone(imageID string, added, left int, kept bool) diag.Diagnostic {
	if left == 0 {
		return diag.NewWarningDiagnostic("Failed create of image members undone", fmt.Sprintf(
			"Image %s: the create failed (see the errors), so the %d member(s) it had added were removed again, and "+
				"nothing of it is in state; members it removed because member_ids leaves them out stay removed. Fix the "+
				"cause and apply again: the create starts afresh.", imageID, added))
	}
	if !kept {
		return diag.NewWarningDiagnostic("Failed create of image members not in state", fmt.Sprintf(
			"Image %s: the create failed (see the errors), and %d of the %d member(s) it had added could not be removed "+
				"again. Terraform 1.16 cannot keep a failed create in state (it would then save no state of this run at all), "+
				"so none of it is in state: the next apply's create lists the image's members, keeps those in member_ids and "+
				"removes the others. Only a terraform destroy run before that apply would not know of them: then remove them "+
				"by hand (openstack image remove project <image> <member>).", imageID, left, added))
	}
	return diag.NewWarningDiagnostic("Failed create of image members kept in state", fmt.Sprintf(
		"Image %s: the create failed (see the errors), and %d of the %d member(s) it had added could not be removed "+
			"again. They are in state, marked tainted: terraform destroy removes them, and the next apply replaces the "+
			"resource (removes the members and adds member_ids again).", imageID, left, added))
}

// ownProjectAsMember is the plan-time error for sharing an image with the project that owns
// it (the provider's own): Glance accepts it, and it gives nobody anything.
func ownProjectAsMember(at path.Path, imageID, memberID string) (path.Path, string, string) {
	return at, "Image shared with its own project", fmt.Sprintf(
		"%sproject %s is the project the provider acts as, which owns the image: it has the image already, and Glance "+
			"would record a membership that gives nobody anything. Use the ID of the project to share the image with "+
			"(openstack project show <name> -f value -c id).", subjectOf(imageID, memberID), memberID)
}

// systemScopeCause explains Glance's 403 or 404 to a system-scoped token: it sees images and
// members only for a project.
func systemScopeCause(client *glanceclient.Client, status int) string {
	return fmt.Sprintf("the provider's token is system-scoped (system_scope = true, from %s), and Glance acts on "+
		"images and their members only for a project: it answered HTTP %d. Unset system_scope (and OS_SYSTEM_SCOPE, or "+
		"auth.system_scope in clouds.yaml), and scope the credentials to a project (project_name or project_id).",
		client.SystemScope, status)
}

// statusCause is the advice for an answer no branch of memberError knows: running again only
// where it may pass (5xx); for a 4xx, the request, and that the request itself must change.
func statusCause(status int, err error) string {
	method, url := glanceclient.Request(err)
	req := method + " " + url
	switch {
	case status >= 500:
		return fmt.Sprintf("Glance failed on its side (HTTP %d to %s). This may pass: run again; if it persists, show "+
			"the cloud operator Glance's message below.", status, req)
	case status == http.StatusBadRequest:
		return fmt.Sprintf("Glance refused %s as malformed (HTTP 400). Check image_id (an image UUID) and member_id (a "+
			"Keystone project ID) in the configuration; running again will not change the answer.", req)
	case status == http.StatusConflict:
		return fmt.Sprintf("Glance refused %s: it conflicts with the image's or the membership's current state (HTTP "+
			"409), for example an image being deleted or a member answer Glance does not allow. Check the image (openstack "+
			"image show) and Glance's message below; running again will not change the answer.", req)
	}
	return fmt.Sprintf("Glance refused %s with HTTP %d. Check the provider's configuration, image_id and member_id "+
		"against Glance's message below; running again will not change the answer.", req, status)
}

// detectionFailed is a plan-time check of what one Image API version lacks that could not
// tell which version the service speaks.
func detectionFailed(imageID, memberID string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Cannot tell which Image API the image service speaks",
		upperFirst(subjectOf(imageID, memberID)+err.Error())+".")
}

// wrongAPICause explains an image call answered with the service's versions document.
func wrongAPICause(client *glanceclient.Client) string {
	api := client.ImageAPI()
	if api == "" {
		api = glanceclient.ImageAPIv2
	}
	return fmt.Sprintf("the image service at %s does not serve Image API v%s: it answered with its versions document "+
		"(HTTP 300). Unset image_api_version (OS_IMAGE_API_VERSION) so the provider reads which version it serves, or set "+
		"it to one the service lists.", client.Endpoint, api)
}

// noAnswerCause explains a call that got no usable answer from Glance: none at all, one that
// came too late for the operation's timeout (named by timeout: "create", "read", …), a
// redirect refused, or an answer that could not be read.
func noAnswerCause(err error, timeout string) string {
	var redirect *glanceclient.RedirectRefusedError
	var unreadable *glanceclient.UnreadableAnswerError
	switch {
	case errors.Is(err, context.Canceled):
		return "the run was interrupted (Ctrl-C, or Terraform was told to stop) before Glance answered."
	case errors.As(err, &unreadable):
		return upperFirst(unreadable.Error()) + ". Check that image_endpoint, or the catalog's image endpoint, is the " +
			"image service itself and not a proxy or a web page in front of it; if it is, the service is failing: run again " +
			"later."
	case errors.Is(err, context.DeadlineExceeded):
		first, _, _ := strings.Cut(timeout, " ")
		return fmt.Sprintf("the operation's timeout passed before Glance answered. Raise it in the timeouts block (%s; for "+
			"example timeouts { %s = \"20m\" }) if the cloud is this slow.", timeout, first)
	case errors.As(err, &redirect):
		return upperFirst(redirect.Error()) + ". Set image_endpoint (or the catalog's image endpoint) to the image " +
			"service's own URL."
	}
	if attr, fix := glanceclient.TLSProblem(err); attr != "" {
		return fmt.Sprintf("TLS with Glance failed (%s). %s", err, fix)
	}
	if proxy := glanceclient.ProxyProblem(err); proxy != "" {
		return fmt.Sprintf("no answer from Glance (%s). %s", err, proxy)
	}
	return fmt.Sprintf("no answer from Glance (%s). Check image_endpoint or the catalog's image endpoint and the "+
		"network.", err)
}

// v1Refusal opens the explanation of Image API v1's 404 "No permission to share that image".
const v1Refusal = "Glance (Image API v1) answered 404 \"No permission to share that image\", v1's way of refusing: "

// changeVerb is what an operation does to members, for "only the owner can … members".
var changeVerb = map[memberOp]string{
	opAdd:        "add",
	opAddUnkept:  "add",
	opListAdd:    "add",
	opRemove:     "remove",
	opListRemove: "remove",
	opRead:       "read",
	opList:       "list",
	opCanShare:   "change",
}

// forbiddenCause explains Glance's refusal by the reason the client found (RefusedError).
func forbiddenCause(client *glanceclient.Client, op memberOp, imageID string, err error) string {
	v1, who := "", "only the owner"
	if client.HasCanShare() {
		v1 = v1Refusal
		who = "only the owner, or a member the owner gave can_share,"
	}
	refused := &glanceclient.RefusedError{LookupErr: err}
	errors.As(err, &refused)
	switch refused.Reason {
	case glanceclient.RefusalImageNotVisible:
		return fmt.Sprintf("%simage %s is not visible to project %s, which the provider acts as; only the image's owner "+
			"can change its members. Use credentials scoped to the owner's project.", v1, imageID, client.ProjectID)
	case glanceclient.RefusalNotShared:
		return fmt.Sprintf("image %s has visibility '%s'; only images with visibility 'shared' can have members. Set its "+
			"visibility to shared (openstack image set --shared %s) and apply again.",
			imageID, refused.Image.Visibility, imageID)
	case glanceclient.RefusalNotOwner:
		return fmt.Sprintf("%simage %s is owned by project %s, but the provider acts as project %s; %s can %s members. Use "+
			"credentials scoped to project %s.",
			v1, imageID, refused.Image.Owner, client.ProjectID, who, changeVerb[op], refused.Image.Owner)
	case glanceclient.RefusalMissingRole:
		return fmt.Sprintf(
			"%sGlance refused the change to image %s although it is owned by this project: the provider's user probably lacks "+
				"the member role on project %s.",
			v1,
			imageID,
			client.ProjectID,
		)
	}
	return fmt.Sprintf(
		"%sGlance refused the change and image %s could not be read to find out why (%s). Only the image's owner, with the "+
			"member role, can change its members.",
		v1,
		imageID,
		glanceclient.Message(refused.LookupErr),
	)
}

// canShareNeedsV1 is the plan-time error for can_share = true on an image service that
// speaks v2.
func canShareNeedsV1(imageID, memberID, endpoint string) (path.Path, string, string) {
	return path.Root("can_share"), "can_share needs Image API v1",
		fmt.Sprintf(
			"Image %s, member %s: can_share = true lets a member share the image further, which only Glance's Image API v1 "+
				"has. "+
				"The image service at %s speaks v2, where only the image's owner changes its members. Remove can_share (or set "+
				"it to false); "+
				"to share the image with more projects, add a glance_image_member for each, with the owner's credentials.",
			imageID,
			memberID,
			endpoint,
		)
}

// acceptanceNeedsV2 is the plan-time error for glance_image_member_acceptance on an image
// service that speaks only v1.
func acceptanceNeedsV2(imageID, memberID, endpoint string) (string, string) {
	return "glance_image_member_acceptance needs Image API v2",
		fmt.Sprintf(
			"Image %s, member %s: the image service at %s speaks only Glance's Image API v1, which has no member answers "+
				"(accept, reject): "+
				"on v1 a membership is in effect as soon as the owner adds it, and the member project can use the image at once. "+
				"Remove this resource; the owner's glance_image_member (or glance_image_members) is all v1 needs.",
			imageID,
			memberID,
			endpoint,
		)
}

// listNeedsImageID is the error of a list resource told to find every image the project
// owns, on an image service that speaks only v1 (which has no image search).
func listNeedsImageID(endpoint string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("List needs image_id on Image API v1", fmt.Sprintf(
		"The image service at %s speaks only Glance's Image API v1, which cannot list the images a project owns, so the "+
			"list block's config must name the image: set image_id (one list block per image).", endpoint))
}

// statusFilterNeedsV2 is the error for a data source filtering by member status on an image
// service that speaks only v1.
func statusFilterNeedsV2(attr, value, endpoint string) (path.Path, string, string) {
	return path.Root(attr), "Member status filter needs Image API v2",
		fmt.Sprintf(
			"%s = %q: the image service at %s speaks only Glance's Image API v1, which has no member status (a membership is "+
				"in effect as soon as the owner adds it). "+
				"Remove %s to list every membership.",
			attr,
			value,
			endpoint,
			attr,
		)
}

// subjectOf opens a diagnostic's detail with what it is about: "Image X, member Y: ",
// "Image X: " for a whole member list, "" for neither.
func subjectOf(imageID, memberID string) string {
	switch {
	case imageID != "" && memberID != "":
		return fmt.Sprintf("Image %s, member %s: ", imageID, memberID)
	case imageID != "":
		return fmt.Sprintf("Image %s: ", imageID)
	}
	return ""
}

// unexpectedProviderData is the error for provider data of another type than the client: a
// bug of this provider (or of a framework it is built on), never the user's.
func unexpectedProviderData(data any) diag.Diagnostic {
	return diag.NewErrorDiagnostic(
		"Unexpected provider data",
		fmt.Sprintf(
			"The glance provider handed its resources a %T where its image service client belongs, so nothing can be read or "+
				"changed. "+
				"This is a bug in terraform-provider-glance: please report it with the provider's version and the output of "+
				"terraform version.",
			data,
		),
	)
}

// delayedLoginFailed is the diagnostic for a resource whose first use of the provider, with
// delayed_auth, failed to log in or to find the image service.
func delayedLoginFailed(imageID, memberID string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(
		"Invalid provider configuration",
		nothingDone(imageID, memberID, "read or changed")+"the glance provider could not log in when this resource "+
			"first needed it (delayed_auth = true): "+err.Error(),
	)
}

// unconfiguredClient is the diagnostic for a resource used before the provider has a client.
func unconfiguredClient(imageID, memberID string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(
		"Provider not configured",
		nothingDone(imageID, memberID, "changed")+"the glance provider has no client: its configuration was not known "+
			"or failed. Fix the provider block errors reported above and run again.",
	)
}

// nothingDone opens the diagnostic of a resource that could not start: "Image …, member …:
// nothing was changed, because " ("" when it names neither).
func nothingDone(imageID, memberID, done string) string {
	subject := subjectOf(imageID, memberID)
	if subject == "" {
		return ""
	}
	return subject + "nothing was " + done + ", because "
}

// notShared says the read of an image's members was refused because the image is not shared
// (any more): the Reads then keep their state and warn (imageNotShared).
func notShared(err error) bool {
	_, ok := glanceclient.NotShared(err)
	return ok
}

// imageNotShared warns that an image's members are hidden because it is no longer shared
// (err, for which notShared holds), and that the state keeps them. memberID is "" for the
// whole list.
func imageNotShared(imageID, memberID string, err error) diag.Diagnostic {
	visibility, _ := glanceclient.NotShared(err)
	what, subject, end := "membership", fmt.Sprintf("Image %s, member %s: the image's", imageID, memberID),
		"; to end the membership, set it to shared and destroy this resource."
	if memberID == "" {
		what, subject, end = "member list", fmt.Sprintf("Image %s: its", imageID), "."
	}
	return diag.NewWarningDiagnostic(
		"Image is not shared: "+what+" kept in state",
		fmt.Sprintf(
			"%s visibility is now '%s', so Glance hides its members, but it keeps them and restores them when the image is "+
				"shared again. "+
				"Terraform keeps the %s in state unchanged. To share the image again, set its visibility back to shared "+
				"(openstack image set --shared %s)%s",
			subject,
			visibility,
			what,
			imageID,
			end,
		),
	)
}

// sharedImagesError explains a failed list of the images shared with the provider's project.
func sharedImagesError(client *glanceclient.Client, err error) diag.Diagnostic {
	projectID := client.ProjectID
	var cause string
	switch classify(err) {
	case failWrongAPI, failDetection, failNoAnswer, failReauth:
		return diag.NewErrorDiagnostic(
			"Error listing shared images",
			"Project "+projectID+": Glance could not list the images shared with it: "+readFailureCause(client, err),
		)
	case failMalformed:
		cause = "Glance refused the filters; check owner (a project ID)."
	case failUnauthorized, failForbidden:
		cause = readRefusedCause(client, err)
	default:
		cause = upperFirst(statusCause(glanceclient.Status(err), err))
	}
	return diag.NewErrorDiagnostic(
		"Error listing shared images",
		"Project "+projectID+": Glance could not list the images shared with it. "+cause+
			"\n\nGlance said: "+glanceclient.Message(err),
	)
}

// invalidImportID explains an import ID that is not of the resource's form; err says which
// part is wrong.
func invalidImportID(form string, err error) diag.Diagnostic {
	example := map[string]string{
		memberImportForm:     memberImportID(exampleImageID, exampleMemberID),
		acceptanceImportForm: exampleImageID + " or " + memberImportID(exampleImageID, exampleMemberID),
		imageImportForm:      exampleImageID,
	}[form]
	return diag.NewErrorDiagnostic("Invalid import ID",
		fmt.Sprintf("The import ID must have the form %s, for example %s; %s.", form, example, err))
}

// membersRemovedOnCreate warns at plan time that creating glance_image_members removes the
// image's members that member_ids leaves out.
func membersRemovedOnCreate(imageID string, removed []string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(
		"Creating glance_image_members removes members",
		fmt.Sprintf(
			"Image %s has %d member(s) that member_ids leaves out: %s. glance_image_members owns the whole list, so the apply "+
				"removes them (and their answers). "+
				"To keep them, add their IDs to member_ids; to keep managing them elsewhere, use glance_image_member for each "+
				"project instead.",
			imageID,
			len(removed),
			strings.Join(removed, ", "),
		),
	)
}

// membersChanged says at plan time, by ID, which projects an update of glance_image_members
// removes from the image (they lose access, and their answers) and which it adds.
func membersChanged(imageID string, added, removed []string) diag.Diagnostic {
	var parts []string
	if len(removed) > 0 {
		parts = append(parts, fmt.Sprintf("removes %d project(s), which lose access to the image and their answers: %s",
			len(removed), strings.Join(removed, ", ")))
	}
	if len(added) > 0 {
		parts = append(parts, fmt.Sprintf("adds %d project(s): %s", len(added), strings.Join(added, ", ")))
	}
	return diag.NewWarningDiagnostic("Image members change", fmt.Sprintf(
		"Image %s: this apply %s. Members added or removed outside Terraform since the last apply are put back as "+
			"member_ids says; to keep a member, add its ID to member_ids.", imageID, strings.Join(parts, "; and ")))
}

// answerOnDestroy warns at plan time which answer destroying glance_image_member_acceptance
// leaves behind.
func answerOnDestroy(imageID, memberID, status, onDestroy string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(
		"Destroying the answer leaves the membership "+onDestroy,
		fmt.Sprintf(
			"Image %s, member %s: a member project cannot end a membership (only the image's owner can), so destroying "+
				"glance_image_member_acceptance sets its answer from '%s' to '%s' (status_on_destroy). "+
				"The image stays shared with project %s. To leave another answer, set status_on_destroy and apply before "+
				"destroying; to end the membership, destroy the owner's glance_image_member.",
			imageID,
			memberID,
			status,
			onDestroy,
			memberID,
		),
	)
}

// upperFirst is a cause written to follow "Image X: " made to open a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// imageSearchCount explains a glance_image search that found no image, or several without
// most_recent: which filters, how many, the first few, and what to change.
func imageSearchCount(q glanceclient.ImageQuery, found []glanceclient.Image) diag.Diagnostic {
	filters := describeQuery(q)
	if len(found) == 0 {
		shares := "shared with (and accepted by) the provider's project: a share it has not accepted is searched with " +
			"member_status = \"pending\" (or \"rejected\", \"all\")."
		if q.MemberStatus != "" {
			shares = "shared with the provider's project and answered " + q.MemberStatus + " by it."
		}
		return diag.NewErrorDiagnostic(
			"No image matches",
			fmt.Sprintf(
				"No image visible to the provider's project has %s. Check each filter (names and properties are exact and "+
					"case-sensitive; every tag given must be on the image), "+
					"and that the image is owned by, public to, or %s",
				filters, shares,
			),
		)
	}
	slices.SortFunc(found, func(a, b glanceclient.Image) int { return b.CreatedAt.Compare(a.CreatedAt) })
	var first []string
	for _, img := range found[:min(len(found), 5)] {
		first = append(first, fmt.Sprintf("%s (%q, created %s)", img.ID, img.Name, img.CreatedAt.UTC().Format(time.RFC3339)))
	}
	return diag.NewErrorDiagnostic(
		"Several images match",
		fmt.Sprintf(
			"%d images have %s; newest first: %s. Add filters (a name, a tag, an owner, a property) until one image matches, "+
				"or set most_recent = true to take the newest.",
			len(found),
			filters,
			strings.Join(first, ", "),
		),
	)
}

// imageSearchError explains a failed glance_image search.
func imageSearchError(client *glanceclient.Client, q glanceclient.ImageQuery, err error) diag.Diagnostic {
	subject := "Searching for an image with " + describeQuery(q) + ": "
	var cause string
	switch classify(err) {
	case failWrongAPI, failDetection, failNoAnswer, failReauth:
		return diag.NewErrorDiagnostic("Error searching images", subject+readFailureCause(client, err))
	case failUnsupported:
		return diag.NewErrorDiagnostic(
			"Error searching images",
			subject+"the image service at "+client.Endpoint+" speaks only Glance's Image API v1, where the provider does not "+
				"search images. Give the image's ID instead.",
		)
	case failMalformed:
		cause = "Glance refused the filters; check visibility, owner (a project ID) and member_status."
	case failUnauthorized, failForbidden:
		cause = readRefusedCause(client, err)
	default:
		cause = statusCause(glanceclient.Status(err), err)
	}
	return diag.NewErrorDiagnostic("Error searching images", subject+cause+"\n\nGlance said: "+glanceclient.Message(err))
}

// readRefusedCause explains a data source's read that Glance refused (401, 403).
func readRefusedCause(client *glanceclient.Client, err error) string {
	if client.SystemScope != "" {
		return upperFirst(systemScopeCause(client, glanceclient.Status(err)))
	}
	return "Check that the provider's credentials are valid and have a role (reader or member) on the project."
}

// readFailureCause says why a read of a data source got no usable answer: the kinds of
// failure that every read says alike.
func readFailureCause(client *glanceclient.Client, err error) string {
	switch classify(err) {
	case failWrongAPI:
		return upperFirst(wrongAPICause(client))
	case failDetection:
		return upperFirst(detectionCause(err)) + "."
	case failReauth:
		var reauth *gophercloud.ErrUnableToReauthenticate
		errors.As(err, &reauth)
		return fmt.Sprintf("Glance asked for a new token (HTTP 401), and %s. Check that Keystone is up and reachable at "+
			"auth_url (%s), then run again.", reauth.ErrReauth, client.AuthURL)
	}
	return upperFirst(noAnswerCause(err, crudRead.String()))
}

// regionError explains a region whose image service cannot be used: the catalog lacks it
// (naming the catalog's image regions), or the provider's image_endpoint rules it out.
func regionError(imageID, memberID, region string, err error) diag.Diagnostic {
	subject := subjectOf(imageID, memberID)
	var regionErr *glanceclient.RegionError
	if errors.As(err, &regionErr) {
		return diag.NewAttributeErrorDiagnostic(path.Root("region"), "Unknown region",
			upperFirst(subject+regionErr.Error())+" Set region to one of them, or leave it unset for the provider's region.")
	}
	return diag.NewAttributeErrorDiagnostic(
		path.Root("region"),
		"Region cannot be used",
		fmt.Sprintf("%sregion %q: %s", subject, region, err),
	)
}

// regionKept warns at plan time that a resource stays in the region its state records,
// although the provider's region is now another.
func regionKept(imageID, memberID, inState, provider string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(
		path.Root("region"),
		"Resource stays in its region "+inState,
		fmt.Sprintf(
			"%sthis resource was created in region %s (recorded in state), and the provider's region is now %s (its region "+
				"attribute, OS_REGION_NAME or clouds.yaml). "+
				"The provider keeps managing it in %s: nothing is replaced or moved. "+
				"To say so and silence this warning, set region = %q in the resource. "+
				"To move it to %s instead, set region = %q: the apply then removes it in %s and adds it in %s, which resets the "+
				"member's answer (accepted or rejected) to pending.",
			subjectOf(imageID, memberID),
			inState,
			provider,
			inState,
			inState,
			provider,
			provider,
			inState,
			provider,
		),
	)
}

// regionMoved warns at plan time that a resource's configured region differs from the one its
// state records, so the apply replaces it there.
func regionMoved(imageID, memberID, from, to string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(
		path.Root("region"),
		"Changing region replaces the resource",
		fmt.Sprintf(
			"%sregion changes from %s to %s: the apply removes this resource in %s and creates it in %s (the image must exist "+
				"there with the same ID). "+
				"The member project's answer (accepted or rejected) does not move: in %s the membership starts again as pending. "+
				"To keep it in %s, set region = %q or remove region from the resource.",
			subjectOf(imageID, memberID),
			from,
			to,
			from,
			to,
			to,
			from,
			from,
		),
	)
}

// The provider block's own diagnostics (Configure), and the moved blocks'.

// configError shows a configuration problem: a glanceclient.ConfigError (its text is
// glanceclient's, which knows where each value came from) on the attribute it names.
func configError(err error) diag.Diagnostic {
	var ce *glanceclient.ConfigError
	if errors.As(err, &ce) {
		return diag.NewAttributeErrorDiagnostic(path.Root(ce.Attr), "Invalid provider configuration", ce.Msg)
	}
	return diag.NewErrorDiagnostic("Invalid provider configuration", err.Error())
}

// notKnownYet is the error for a provider attribute whose value is only known after apply.
func notKnownYet(at path.Path) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(at, "Provider attribute not known yet", fmt.Sprintf(
		"%s depends on a value that is only known after apply, so the provider cannot log in during plan. Use a value "+
			"known at plan time, or apply the resources it depends on first with -target.", at))
}

// insecureWarning says what insecure = true gives away.
func insecureWarning() diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("insecure"), "TLS certificate verification is off",
		"insecure = true (or OS_INSECURE) makes the provider accept any certificate from Keystone and Glance, so a man in "+
			"the middle could read the credentials. Set cacert_file to the authority that signed the certificates instead.")
}

// overrideIgnored warns of an endpoint_overrides entry of another service than the image's.
func overrideIgnored(at path.Path) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(at, "Endpoint override ignored", fmt.Sprintf(
		"%s is ignored: this provider calls only Keystone (auth_url) and Glance (the image key, or image_endpoint). "+
			"Remove it from this provider block.", at))
}

// conflictingImageEndpoints is the error for endpoint_overrides["image"] and image_endpoint
// naming different image services.
func conflictingImageEndpoints(at path.Path, override, endpoint string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(at, "Conflicting image endpoints", fmt.Sprintf(
		"endpoint_overrides[\"image\"] = %q and image_endpoint = %q name different image services. Keep one of them.",
		override, endpoint))
}

// cannotMove is the error for a moved block whose source state cannot be read as a membership.
func cannotMove(sourceType string, schemaVersion int64, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Cannot move "+sourceType, fmt.Sprintf(
		"The state of %s (schema version %d) cannot be read as an image membership (%s), so it cannot be moved. Remove "+
			"the moved block and import the membership instead: terraform import <address> <image_id>/<member_id>.",
		sourceType, schemaVersion, err))
}
