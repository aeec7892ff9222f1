package glancev1test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
)

// The stand-in answers as the reference document says Glance 16's v1 did, with tokens from
// the real local Keystone.
func TestStandIn_followsTheReference(t *testing.T) {
	env := acctest.PreCheck(t)
	s := Start(t, env.AuthURL)
	owner := acctest.Image(t, devcloud.Producer).Token()
	member := acctest.Image(t, devcloud.Consumer).Token()
	stranger := acctest.Image(t, devcloud.Consumer2).Token()
	img := s.AddImage(env.ProducerProject, "shared")
	members := "/v1/images/" + img + "/members"

	type answer struct {
		status int
		body   string // a part of the body that must be there
	}
	steps := []struct {
		name                string
		method, path, token string
		body                string
		accept              string
		want                answer
		allow, contentType  string // expected headers ("-" for absent)
	}{
		{name: "root lists v1 only", method: "GET", path: "/", want: answer{300, `"id":"v1.1"`}},
		{name: "versions", method: "GET", path: "/versions", want: answer{200, `"id":"v1.0"`}},
		{name: "no token", method: "GET", path: members, want: answer{401, "requires authentication"}},
		{name: "bad token", method: "GET", path: members, token: "gAAAAAnot-a-token", want: answer{401, ""}},
		{
			name:        "add, can_share as a string",
			method:      "PUT",
			path:        members + "/" + env.ConsumerProject,
			token:       owner,
			body:        `{"member":{"can_share":"false"}}`,
			want:        answer{204, ""},
			contentType: "-",
		},
		{
			name:   "add again: idempotent",
			method: "PUT",
			path:   members + "/" + env.ConsumerProject,
			token:  owner,
			want:   answer{204, ""},
		},
		{
			name:        "list keeps can_share",
			method:      "GET",
			path:        members,
			token:       owner,
			want:        answer{200, `{"members":[{"can_share":true,"member_id":"` + env.ConsumerProject + `"}]}`},
			contentType: "application/json",
		},
		{
			name:   "GET one member is 405",
			method: "GET",
			path:   members + "/" + env.ConsumerProject,
			token:  owner,
			want:   answer{405, ""},
			allow:  "-",
		},
		{name: "POST on the list", method: "POST", path: members, token: owner, want: answer{405, ""}, allow: "GET, PUT"},
		{
			name:   "PATCH on a member",
			method: "PATCH",
			path:   members + "/x",
			token:  owner,
			want:   answer{405, ""},
			allow:  "GET, PUT, DELETE",
		},
		{name: "trailing slash", method: "GET", path: members + "/", token: owner, want: answer{404, ""}},
		{
			name:   "member with can_share sees only itself",
			method: "GET",
			path:   members,
			token:  member,
			want:   answer{200, `"member_id":"` + env.ConsumerProject + `"`},
		},
		{
			name:   "stranger: image not found",
			method: "GET",
			path:   members,
			token:  stranger,
			accept: "application/json",
			want:   answer{404, `Image with identifier ` + img + ` not found`},
		},
		{
			name:   "stranger may not share: 404, not 403",
			method: "PUT",
			path:   members + "/other",
			token:  stranger,
			accept: "application/json",
			want:   answer{404, "not found"},
		},
		{
			name:   "malformed body",
			method: "PUT",
			path:   members + "/p",
			token:  owner,
			body:   `{`,
			want:   answer{400, "Malformed JSON in request body."},
		},
		{
			name:   "scalar body",
			method: "PUT",
			path:   members + "/p",
			token:  owner,
			body:   `3`,
			want: answer{400, "Unexpected body " +
				"type. Expected list/dict."},
		},
		{
			name:   "entry without member_id",
			method: "PUT",
			path:   members,
			token:  owner,
			body:   `{"memberships":[{"can_share":true}]}`,
			want:   answer{400, "Invalid membership association"},
		},
		{
			name:   "plain-text error without Accept",
			method: "DELETE",
			path:   members + "/nobody",
			token:  owner,
			want: answer{404, "404 Not " +
				"Found\n\nMembership could not be found."},
			contentType: "text/plain; charset=UTF-8",
		},
		{
			name:   "JSON error with Accept: the registry's answer, nested",
			method: "DELETE",
			path:   members + "/nobody",
			token:  owner,
			accept: "application/json",
			want: answer{
				404,
				`"message":"404 Not Found\n\nMembership could not be found.\n\n   \u003cbr /\u003e\u003cbr /\u003e\n\n\n"`,
			},
		},
		{
			name:        "HTML error for */*",
			method:      "DELETE",
			path:        members + "/nobody",
			token:       owner,
			accept:      "*/*",
			want:        answer{404, "<h1>404 Not Found</h1>"},
			contentType: "text/html; charset=UTF-8",
		},
		{
			name:   "shared-images",
			method: "GET",
			path:   "/v1/shared-images/" + env.ConsumerProject,
			token:  member,
			want:   answer{200, `{"shared_images":[{"can_share":true,"image_id":"` + img + `"}]}`},
		},
		{
			name:   "remove: DELETE /v1/images/{image_id}/members/{member_id}",
			method: "DELETE",
			path:   members + "/" + env.ConsumerProject,
			token:  owner,
			want:   answer{204, ""},
		},
		{
			name:   "remove again: 404",
			method: "DELETE",
			path:   members + "/" + env.ConsumerProject,
			token:  owner,
			want:   answer{404, "Membership could not be found."},
		},
		{
			name:   "re-add without can_share: 204, still removed",
			method: "PUT",
			path:   members + "/" + env.ConsumerProject,
			token:  owner,
			body:   `{"member":{}}`,
			want:   answer{204, ""},
		},
		{name: "still removed", method: "GET", path: members, token: owner, want: answer{200, `{"members":[]}`}},
		{
			name:   "re-add with can_share: back",
			method: "PUT",
			path:   members + "/" + env.ConsumerProject,
			token:  owner,
			body:   `{"member":{"can_share":false}}`,
			want:   answer{204, ""},
		},
		{
			name:   "back, can_share false",
			method: "GET",
			path:   members,
			token:  owner,
			want:   answer{200, `{"members":[{"can_share":false,"member_id":"` + env.ConsumerProject + `"}]}`},
		},
		{
			name:   "a bare list as the list's body: 500",
			method: "PUT",
			path:   members,
			token:  owner,
			body:   `[]`,
			want:   answer{500, ""},
		},
		{
			name:   "replace the list",
			method: "PUT",
			path:   members,
			token:  owner,
			body:   `{"memberships":[{"member_id":"p1"},{"member_id":"p2","can_share":true}]}`,
			want:   answer{204, ""},
		},
		{
			name:   "the list replaced",
			method: "GET",
			path:   "/v1.1/images/" + img + "/members",
			token:  owner,
			want:   answer{200, `{"members":[{"can_share":false,"member_id":"p1"},{"can_share":true,"member_id":"p2"}]}`},
		},
	}
	for _, st := range steps {
		resp, body := do(t, s.URL, st.method, st.path, st.token, st.body, st.accept)
		if resp.StatusCode != st.want.status || !strings.Contains(body, st.want.body) {
			t.Errorf(
				"%s: %s %s answered %d %q; want %d with %q",
				st.name,
				st.method,
				st.path,
				resp.StatusCode,
				body,
				st.want.status,
				st.want.body,
			)
		}
		if resp.Header.Get("X-Openstack-Request-Id") == "" {
			t.Errorf("%s: no x-openstack-request-id", st.name)
		}
		for name, want := range map[string]string{"Allow": st.allow, "Content-Type": st.contentType} {
			got, present := resp.Header.Get(name), len(resp.Header.Values(name)) > 0
			if (want == "-" && present) || (want != "" && want != "-" && got != want) {
				t.Errorf("%s: %s header %q, want %q", st.name, name, got, want)
			}
		}
	}

	// A member without can_share may see the image but not share it, nor leave it: 404, with
	// the registry's 403 inside.
	s.SetMember(img, env.ConsumerProject, false)
	for _, call := range [][2]string{{"PUT", members + "/other"}, {"DELETE", members + "/" + env.ConsumerProject}} {
		const refused = `403 Forbidden\n\nAccess was denied to this resource.\n\n No permission to share that image`
		resp, body := do(t, s.URL, call[0], call[1], member, "", "application/json")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, refused) {
			t.Errorf(
				"a member without can_share: %s %s answered %d %s; want 404 with the nested 403",
				call[0],
				call[1],
				resp.StatusCode,
				body,
			)
		}
	}
	s.RemoveMember(img, env.ConsumerProject)

	// The quota counts the rows the caller sees plus one, before looking for the member.
	s.Quota = 2
	if resp, _ := do(t, s.URL, "PUT", members+"/p1", owner, "", ""); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a repeat add at the quota answered %d, want 413", resp.StatusCode)
	}
	three := `{"memberships":[{"member_id":"a"},{"member_id":"b"},{"member_id":"c"}]}`
	if resp, _ := do(t, s.URL, "PUT", members, owner, three, ""); resp.StatusCode != http.StatusRequestEntityTooLarge ||
		len(s.Members(img)) != 2 {
		t.Errorf("a list over the quota answered %d and left %v; want 413 and no change", resp.StatusCode, s.Members(img))
	}
	if resp, _ := do(t, s.URL, "PUT", members, owner, `{"memberships":[]}`, ""); resp.StatusCode != http.StatusNoContent ||
		len(s.Members(img)) != 0 {
		t.Errorf("an empty list answered %d and left %v; want 204 and no members", resp.StatusCode, s.Members(img))
	}
}

func do(t *testing.T, base, method, path, token, body, accept string) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
