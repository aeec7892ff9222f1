package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// Answers a real Glance cannot be made to give on demand: a server error, no answer at all,
// an answer lost after the request arrived, a user's interruption. The real refusals (409,
// 403, 404, 413) are covered against the local cloud in TestAccBadInput; a lost answer and an
// interruption against the real Glance in TestAccInterrupted_*.
func TestMemberErrorWithoutARealCause(t *testing.T) {
	t.Parallel()
	const img, member = exampleImageID, "proj"
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	broken := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(
			[]byte(
				`{"message": "The server has either erred or is incapable of performing the requested operation.` +
					`<br /><br />", "code": "500 Internal Server Error"}`,
			),
		)
	})
	expired := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error": {"code": 401, "message": "The request you have made requires authentication."}}`))
	})
	lost := serve(func(w http.ResponseWriter, _ *http.Request) { // the request arrived; the answer never left
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
	})
	slow := serve(func(w http.ResponseWriter, _ *http.Request) { time.Sleep(time.Second) })
	closedSrv := httptest.NewServer(http.NotFoundHandler())
	closedSrv.Close()
	closed := closedSrv.URL

	add := func(ctx context.Context, c *glanceclient.Client) error {
		_, err := c.AddMember(ctx, img, member, false)
		return err
	}
	remove := func(ctx context.Context, c *glanceclient.Client) error { return c.RemoveMember(ctx, img, member) }
	answer := func(ctx context.Context, c *glanceclient.Client) error {
		_, err := c.UpdateMemberStatus(ctx, img, member, "accepted")
		return err
	}
	read := func(ctx context.Context, c *glanceclient.Client) error {
		_, err := c.GetMember(ctx, img, member)
		return err
	}
	const unsure = "may or may not"
	cases := []struct {
		name      string
		endpoint  string
		call      func(context.Context, *glanceclient.Client) error
		op        memberOp
		interrupt bool
		says, not []string
	}{
		{
			"server error",
			broken,
			read,
			opRead,
			false,
			[]string{"Error reading image member", "Image " + img + ", member " + member, "HTTP 500", "Glance said: The " +
				"server has either erred"},
			nil,
		},
		{
			"no answer on add: nothing sent",
			closed,
			add,
			opAdd,
			false,
			[]string{"Error adding image member", "no answer from Glance", "Check image_endpoint"},
			[]string{unsure, "import"},
		},
		{
			"no answer on remove: nothing sent",
			closed,
			remove,
			opRemove,
			false,
			[]string{"Error removing image member", "no answer from Glance"},
			[]string{unsure},
		},
		{
			"answer lost on add",
			lost,
			add,
			opAdd,
			false,
			[]string{
				"reached Glance but its answer was lost",
				"membership may or may not exist",
				"marked tainted",
				"Nothing to import",
			},
			[]string{"import it"},
		},
		{"answer lost on a list's add", lost, add, opListAdd, false, []string{"may or may not exist", "lists the image's " +
			"members and adds only what is still missing"}, []string{"import", "tainted"}},
		{
			"answer lost on remove",
			lost,
			remove,
			opRemove,
			false,
			[]string{"may or may not be gone", "removes it if it is still there"},
			nil,
		},
		{
			"answer lost on a status",
			lost,
			answer,
			opStatus,
			false,
			[]string{"may or may not have been recorded", "sets it again"},
			nil,
		},
		{
			"interrupted while Glance works",
			slow,
			add,
			opAdd,
			true,
			[]string{"the run was interrupted (Ctrl-C", unsure, "tainted"},
			[]string{"no answer from Glance", "import it"},
		},
		// A real Glance gives this once a given token expires mid-run; the unit test spares
		// waiting for it. (Re-authentication with a password is TestAccProvider_reauthentication.)
		{
			"given token expired",
			expired,
			read,
			opRead,
			false,
			[]string{"token given in token (OS_TOKEN)", "cannot be renewed", "password or application credential"},
			nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client := glanceclient.NewStatic(tc.endpoint, "token", "caller", glanceclient.ImageAPIv2)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.interrupt {
				time.AfterFunc(200*time.Millisecond, cancel) // as Terraform cancels on Ctrl-C
			}
			err := tc.call(ctx, client)
			if err == nil {
				t.Fatal("want an error")
			}
			d := memberError(client, tc.op, usualCRUD[tc.op], img, member, err)
			text := d.Summary() + "\n" + d.Detail()
			for _, s := range tc.says {
				if !strings.Contains(text, s) {
					t.Errorf("diagnostic %q does not say %q", text, s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(text, s) {
					t.Errorf("diagnostic %q says %q", text, s)
				}
			}
			if strings.Contains(text, "<br") {
				t.Errorf("diagnostic carries markup: %q", text)
			}
		})
	}
}

// A resource used after a failed provider configuration says which image and member it
// left alone, and calls nothing.
func TestUnconfiguredClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &imageMemberResource{}
	state := memberState(t, exampleImageID, "proj")
	resp := resource.DeleteResponse{State: state}
	r.Delete(ctx, resource.DeleteRequest{State: state}, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a resource without a client must not go on")
	}
	d := resp.Diagnostics.Errors()[0].Detail()
	for _, want := range []string{
		"Image " + exampleImageID + ", member proj: nothing was changed", "Fix the provider block errors",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostic %q does not mention %q", d, want)
		}
	}
}

// Every branch of memberError, from errors as the client classifies them: no cloud, no
// request. Each names the image and the member (or the image alone for a list), says why and
// what to do, and never carries markup.
func TestMemberError_everyBranch(t *testing.T) {
	t.Parallel()
	const img, member, caller = exampleImageID, "proj", "caller"
	glance := func(status int, message string) error {
		return gophercloud.ErrUnexpectedResponseCode{
			Method: "POST",
			URL:    "http://glance:9292/v2/images/" + img + "/members",
			Actual: status,
			Body:   []byte(`{"message": "` + message + `<br /><br />\n\n\n", "code": "x"}`),
		}
	}
	refused := func(reason glanceclient.Refusal, image *glanceclient.Image) error {
		return &glanceclient.RefusedError{
			Reason:    reason,
			Image:     image,
			LookupErr: glance(500, "image read failed"),
			Err:       glance(403, "Forbidden"),
		}
	}
	v2 := glanceclient.NewStatic("http://glance:9292", "token", caller, glanceclient.ImageAPIv2)
	v1 := glanceclient.NewStatic("http://glance:9292", "token", caller, glanceclient.ImageAPIv1)
	renewable := glanceclient.NewStatic("http://glance:9292", "token", caller, glanceclient.ImageAPIv2)
	renewable.FixedToken = false
	noReauth := glanceclient.NewStatic("http://glance:9292", "token", caller, glanceclient.ImageAPIv2)
	noReauth.FixedToken, noReauth.ReauthOff = false, "OS_ALLOW_REAUTH"
	system := glanceclient.NewStatic("http://glance:9292", "token", "", glanceclient.ImageAPIv2)
	system.SystemScope = "provider attribute system_scope"
	cases := []struct {
		name   string
		client *glanceclient.Client
		op     memberOp
		member string
		err    error
		says   []string
	}{
		{"refused: image not visible", v2, opAdd, member, refused(glanceclient.RefusalImageNotVisible, nil),
			[]string{"Error adding image member", "is not visible to project caller", "Use credentials scoped to the owner's " +
				"project"}},
		{
			"refused: not shared",
			v2,
			opAdd,
			member,
			refused(glanceclient.RefusalNotShared, &glanceclient.Image{Visibility: "private"}),
			[]string{"has visibility 'private'", "openstack image set --shared " + img},
		},
		{
			"refused: another owner",
			v2,
			opRemove,
			member,
			refused(glanceclient.RefusalNotOwner, &glanceclient.Image{Owner: "other"}),
			[]string{"Error removing image member", "is owned by project other, but the provider acts as project caller; only " +
				"the owner can remove members", "scoped to project other"},
		},
		{
			"refused on v1: another owner",
			v1,
			opCanShare,
			member,
			refused(glanceclient.RefusalNotOwner, &glanceclient.Image{Owner: "other"}),
			[]string{v1Refusal, "or a member the owner gave can_share, can change members"},
		},
		{
			"refused: missing role",
			v2,
			opList,
			"",
			refused(glanceclient.RefusalMissingRole, &glanceclient.Image{Owner: caller}),
			[]string{"Error listing image members", "Image " + img + ": ", "lacks the member role on project caller"},
		},
		{"refused: image unreadable", v2, opAdd, member, refused(glanceclient.RefusalUnexplained, nil),
			[]string{"could not be read to find out why (image read failed)"}},
		{"answer refused: the member's reader", v2, opStatus, caller, glance(403, "Forbidden"),
			[]string{"Error setting image member status", "lacks the member role there", "Give the user the member role on " +
				"project caller"}},
		{"answer refused: not the member", v2, opStatus, member, glance(403, "Forbidden"),
			[]string{"only the member project, or an admin, can accept or reject", "acts as project caller, not proj"}},
		{"answer: not shared with it", v2, opStatus, member, glance(404, "not found"),
			[]string{"is not shared with project proj", "must first add project proj as a member"}},
		{"image not found", v2, opRead, member, glance(404, "not found"),
			[]string{"Error reading image member", "was not found, or is not visible to project caller", "Check image_id"}},
		{"quota", v2, opListAdd, member, glance(413, "limit exceeded"),
			[]string{"reached Glance's limit on members per image", "image_member_quota", "Glance said: limit exceeded"}},
		{"given token refused", v2, opRead, member, glance(401, "unauthorized"),
			[]string{"token given in token (OS_TOKEN)", "cannot be renewed"}},
		{"token refused", renewable, opRead, member, glance(401, "unauthorized"),
			[]string{"did not accept the provider's token", "Check the provider credentials"}},
		{"malformed", v2, opAdd, member, glance(400, "bad request"),
			[]string{"Glance refused POST http://glance:9292/v2/images/" + img + "/members as malformed (HTTP 400)",
				"Check image_id", "running again will not change the answer", "Glance said: bad request"}},
		{"conflict", v2, opListAdd, member, glance(409, "image is being deleted"),
			[]string{"conflicts with the image's or the membership's current state (HTTP 409)",
				"running again will not change the answer", "Glance said: image is being deleted"}},
		{"another refusal", v2, opRemove, member, glance(405, "method not allowed"),
			[]string{"Glance refused POST http://glance:9292/v2/images/" + img + "/members with HTTP 405",
				"running again will not change the answer"}},
		{"Glance failing", v2, opRead, member, glance(500, "internal error"),
			[]string{"Glance failed on its side (HTTP 500 to POST", "This may pass: run again", "Glance said: internal error"}},
		{"system-scoped token", system, opAdd, member, glance(403, "Forbidden"),
			[]string{"token is system-scoped (system_scope = true, from provider attribute system_scope)",
				"it answered HTTP 403", "Unset system_scope"}},
		{"system-scoped token, image not found", system, opRead, member, glance(404, "not found"),
			[]string{"token is system-scoped", "it answered HTTP 404", "scope the credentials to a project"}},
		{"token refused, no re-login", noReauth, opRead, member, glance(401, "unauthorized"),
			[]string{"allow_reauth = false (from OS_ALLOW_REAUTH) keeps the provider from logging in again"}},
		{"unsupported", v2, opCanShare, member, &glanceclient.UnsupportedError{API: "2", What: "can_share"},
			[]string{"speaks Image API v2, which has no can_share", "Glance was not asked"}},
		{
			"wrong API",
			v2,
			opList,
			"",
			&glanceclient.WrongAPIError{Method: "GET", URL: "http://glance:9292/v2/images/x/members"},
			[]string{"does not serve Image API v2", "Unset image_api_version",
				"(Asked: GET http://glance:9292/v2/images/x/members.)"},
		},
		{
			"Keystone away",
			renewable,
			opRead,
			member,
			&gophercloud.ErrUnableToReauthenticate{
				ErrOriginal: glance(401, "x"),
				ErrReauth:   &glanceclient.KeystoneError{URL: "http://keystone:5000/v3", Err: errors.New("connection refused")},
			},
			[]string{"Glance asked for a new token (HTTP 401), and logging in again at Keystone (http://keystone:5000/v3) " +
				"failed"},
		},
		{
			"retries spent: max_retries",
			v2,
			opAdd,
			member,
			&glanceclient.RetriesExhaustedError{Attempts: 6, Err: glance(503, "unavailable")},
			[]string{"failed 6 times in a row", "raise max_retries or OS_MAX_RETRIES"},
		},
		{
			"retries spent: the timeout",
			v2,
			opRemove,
			member,
			&glanceclient.RetriesExhaustedError{Attempts: 3, Deadline: true, Err: glance(503, "unavailable")},
			[]string{"the operation's timeout ended the retries", `timeouts { delete = "20m" }`},
		},
		{
			"retries spent: Retry-After past the timeout",
			v2,
			opAdd,
			member,
			&glanceclient.RetriesExhaustedError{Attempts: 1, Deadline: true, RetryAfter: 10 * time.Minute,
				Err: glance(503, "unavailable")},
			[]string{"the request failed once with a failure worth retrying, and Glance asked to wait 10m0s before the " +
				"next try (Retry-After), longer than the operation's timeout has left", `timeouts { create = "20m" }`},
		},
		{"a 500, never retried, says nothing of retries", v2, opRead, member, glance(500, "internal error"),
			[]string{"Glance failed on its side (HTTP 500 to POST http://glance:9292/v2/images/" + img + "/members). This " +
				"may pass: run again"}},
		{"lost answer on remove", v2, opRemove, member, &glanceclient.OutcomeUnknownError{Err: context.DeadlineExceeded},
			[]string{"timeouts { delete = \"20m\" }", "may or may not be gone"}},
		{"timeout on a refresh", v2, opRead, member, context.DeadlineExceeded,
			[]string{"Raise it in the timeouts block (read; for example timeouts { read = \"20m\" })"}},
		{"interrupted", v2, opAdd, member, context.Canceled,
			[]string{"the run was interrupted (Ctrl-C"}},
		{
			"redirect refused",
			v2,
			opAdd,
			member,
			&url.Error{
				Op:  "Post",
				URL: "http://glance:9292/x",
				Err: &glanceclient.RedirectRefusedError{
					Status: 307,
					Method: "POST",
					From:   "http://glance:9292/x",
					To:     "http://evil:80/x",
				},
			},
			[]string{"HTTP 307 from POST http://glance:9292/x redirects to http://evil:80/x, another host; the provider " +
				"refused", "Set image_endpoint"},
		},
		{
			"unreadable answer",
			v2,
			opRead,
			member,
			&glanceclient.UnreadableAnswerError{
				Method: "GET",
				URL:    "http://glance:9292/v2/images/x/members",
				Status: 200,
				Head:   "<html>",
				Err:    errors.New("it is not JSON"),
			},
			[]string{"The service answered GET http://glance:9292/v2/images/x/members with HTTP 200, but the answer cannot be " +
				"read (it is not JSON); it begins: \"<html>\""},
		},
		{"TLS", v2, opAdd, member, x509.UnknownAuthorityError{},
			[]string{"TLS with Glance failed", "Set cacert_file"}},
		{"no answer", v2, opAdd, member, errors.New("connection refused"),
			[]string{"no answer from Glance (connection refused)", "Check image_endpoint"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := memberError(tc.client, tc.op, usualCRUD[tc.op], img, tc.member, tc.err)
			text := d.Summary() + "\n" + tfcli.Flat(d.Detail())
			subject := "Image " + img + ", member " + tc.member + ": "
			if tc.member == "" {
				subject = "Image " + img + ": "
			}
			for _, s := range append([]string{subject, opSummary[tc.op]}, tc.says...) {
				if !strings.Contains(text, s) {
					t.Errorf("diagnostic %q does not say %q", text, s)
				}
			}
			if strings.Contains(text, "<br") {
				t.Errorf("diagnostic carries markup: %q", text)
			}
		})
	}
}

// usualCRUD is the CRUD operation that makes each member call in the resources, for the
// tables above (the advice on a deadline names that operation's timeout).
var usualCRUD = map[memberOp]crudOp{
	opAdd: crudCreate, opAddUnkept: crudCreate, opRead: crudRead, opRemove: crudDelete, opStatus: crudCreate,
	opList: crudRead, opListAdd: crudCreate, opListRemove: crudDelete, opReplace: crudUpdate, opCanShare: crudUpdate,
}

// classify tells each kind of failure apart, wrapped or not; the first kind that applies wins
// (a failed re-login is a reauthentication failure even though it came with a 401).
func TestClassify(t *testing.T) {
	status := func(code int) error { return gophercloud.ErrUnexpectedResponseCode{Actual: code} }
	for _, tc := range []struct {
		err  error
		want failure
	}{
		{&gophercloud.ErrUnableToReauthenticate{ErrOriginal: status(401), ErrReauth: errors.New("refused")}, failReauth},
		{fmt.Errorf("add: %w", &glanceclient.UnsupportedError{API: "1", What: "member status"}), failUnsupported},
		{&glanceclient.WrongAPIError{Method: "GET", URL: "http://glance/v2/images"}, failWrongAPI},
		{&glanceclient.DetectionError{Err: errors.New("no versions")}, failDetection},
		{errors.New("connection refused"), failNoAnswer},
		{context.DeadlineExceeded, failNoAnswer},
		{status(401), failUnauthorized},
		{fmt.Errorf("list: %w", status(403)), failForbidden},
		{status(404), failNotFound},
		{status(400), failMalformed},
		{status(413), failQuota},
		{status(409), failRefused},
		{status(503), failRefused},
	} {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("classify(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
