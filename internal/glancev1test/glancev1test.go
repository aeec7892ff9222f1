// Package glancev1test is a stand-in for the image membership calls of Glance's Image API v1,
// which no Glance that can be installed today serves (v1 was removed in Rocky, 17.0.0). It
// follows README.md beside it, what Glance 16's code does and a running Glance 16.0.1
// answered, quirks included: GET of one member is always 405, a caller who may not share an
// image gets 404 (not 403), a PUT of a member is idempotent, a removed membership comes back
// only with can_share in the body, the member quota answers 413, registry errors arrive
// nested, and the versions document lists only v1.1 and v1.0, and every /v2 request gets that
// document (HTTP 300), as a Queens Glance with v2 turned off answers. Tokens are checked against a real Keystone, so
// authentication stays real. Of v1's image calls it serves only HEAD /v1/images/{id} (the
// image's metadata in x-image-meta-* headers), which the provider uses to name shared images;
// images are made by the test (AddImage).
package glancev1test

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running stand-in. Its URL is the image service's unversioned endpoint.
type Server struct {
	URL string
	// Quota is image_member_quota: members per image; negative is no limit.
	Quota int

	keystone string // Keystone's v3 URL
	mu       sync.Mutex
	images   map[string]*image
	tokens   map[string]tokenInfo // validated tokens, by token
}

type image struct {
	name, owner, visibility string                // visibility: "shared", "public" or "private"
	created                 time.Time             // also its updated_at: the stand-in never changes an image's data
	members                 map[string]*memberRow // by member project ID
}

// memberRow is a membership; a removed one stays, deleted, as in Glance's database.
type memberRow struct{ canShare, deleted bool }

type tokenInfo struct {
	project string
	admin   bool
	expires time.Time
}

// Start runs a stand-in whose tokens are validated by the Keystone at keystoneURL (its v3
// URL); it stops when the test ends.
func Start(t testing.TB, keystoneURL string) *Server {
	s := &Server{
		Quota:    128,
		keystone: strings.TrimSuffix(keystoneURL, "/"),
		images:   map[string]*image{},
		tokens:   map[string]tokenInfo{},
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// AddImage makes an image owned by project owner with the given visibility, and returns its ID.
func (s *Server) AddImage(owner, visibility string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := newUUID()
	s.images[id] = &image{
		name:       "image-" + id[:8],
		owner:      owner,
		visibility: visibility,
		created:    time.Now().UTC(),
		members:    map[string]*memberRow{},
	}
	return id
}

// Name is an image's name: "image-" and the first 8 characters of its ID.
func (s *Server) Name(imageID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.images[imageID].name
}

// SetVisibility changes an image's visibility (v1's is_public and v2's visibility, in one).
func (s *Server) SetVisibility(imageID, visibility string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images[imageID].visibility = visibility
}

// DeleteImage deletes an image and its memberships.
func (s *Server) DeleteImage(imageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.images, imageID)
}

// Members is an image's memberships, member ID → can_share, as the database has them.
func (s *Server) Members(imageID string) map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	if img, ok := s.images[imageID]; ok {
		for id, row := range img.members {
			if !row.deleted {
				out[id] = row.canShare
			}
		}
	}
	return out
}

// SetMember adds or changes a membership directly, as another client would.
func (s *Server) SetMember(imageID, memberID string, canShare bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images[imageID].members[memberID] = &memberRow{canShare: canShare}
}

// RemoveMember removes a membership directly, as another client would.
func (s *Server) RemoveMember(imageID, memberID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if row, ok := s.images[imageID].members[memberID]; ok {
		row.deleted = true
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Openstack-Request-Id", "req-"+newUUID())
	p := r.URL.EscapedPath()
	if p == "/" || p == "/versions" {
		s.versions(w, r, p == "/")
		return
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	switch {
	case parts[0] == "v1", parts[0] == "v1.0", parts[0] == "v1.1":
	case strings.HasPrefix(parts[0], "v2"): // v2 is off: its requests get the versions document
		s.versions(w, r, true)
		return
	default:
		s.fail(w, r, http.StatusNotFound, "The resource could not be found.", "")
		return
	}
	parts = parts[1:]
	for _, part := range parts {
		if part == "" { // a trailing slash, or an empty segment: v1's routes match exactly
			s.fail(w, r, http.StatusNotFound, "The resource could not be found.", "")
			return
		}
	}
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	switch {
	case len(parts) == 3 && parts[0] == "images" && parts[2] == "members":
		switch r.Method {
		case http.MethodGet:
			s.list(w, r, caller, unescape(parts[1]))
		case http.MethodPut:
			s.replace(w, r, caller, unescape(parts[1]))
		default:
			w.Header().Set("Allow", "GET, PUT")
			s.fail(w, r, http.StatusMethodNotAllowed, "The method specified is not allowed for this resource.", "")
		}
	case len(parts) == 4 && parts[0] == "images" && parts[2] == "members":
		switch r.Method {
		case http.MethodGet: // v1 routes GET of one member to no action: always 405, no Allow
			s.fail(w, r, http.StatusMethodNotAllowed, "The method specified is not allowed for this resource.", "")
		case http.MethodPut:
			s.put(w, r, caller, unescape(parts[1]), unescape(parts[3]))
		case http.MethodDelete:
			s.delete(w, r, caller, unescape(parts[1]), unescape(parts[3]))
		default:
			w.Header().Set("Allow", "GET, PUT, DELETE")
			s.fail(w, r, http.StatusMethodNotAllowed, "The method specified is not allowed for this resource.", "")
		}
	case len(parts) == 2 && parts[0] == "images" && r.Method == http.MethodHead:
		s.head(w, caller, unescape(parts[1]))
	case len(parts) == 2 && parts[0] == "shared-images" && r.Method == http.MethodGet:
		s.sharedImages(w, caller, unescape(parts[1]))
	default:
		s.fail(w, r, http.StatusNotFound, "The resource could not be found.", "")
	}
}

// versions is the unversioned root and /versions: v1.1 and v1.0 only, as a Queens Glance
// with v2 turned off lists them (deprecated), without authentication.
func (s *Server) versions(w http.ResponseWriter, r *http.Request, root bool) {
	base := "http://" + r.Host
	doc := map[string]any{"versions": []map[string]any{
		{"id": "v1.1", "status": "DEPRECATED", "links": []map[string]string{{"rel": "self", "href": base + "/v1/"}}},
		{"id": "v1.0", "status": "DEPRECATED", "links": []map[string]string{{"rel": "self", "href": base + "/v1/"}}},
	}}
	status := http.StatusOK
	if root {
		status = http.StatusMultipleChoices
	}
	writeJSON(w, status, doc)
}

// head is HEAD /v1/images/{id}: the image's metadata as x-image-meta-* headers, no body.
func (s *Server) head(w http.ResponseWriter, caller tokenInfo, imageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.visibleImage(caller, imageID)
	if !ok {
		w.WriteHeader(http.StatusNotFound) // a HEAD answer has no body
		return
	}
	isPublic := "False"
	if img.visibility == "public" {
		isPublic = "True"
	}
	at := img.created.Format("2006-01-02T15:04:05.000000")
	for k, v := range map[string]string{
		"id": imageID, "name": img.name, "owner": img.owner, "is_public": isPublic, "status": "active",
		"disk_format": "raw", "container_format": "bare", "size": "0", "created_at": at, "updated_at": at,
		"deleted": "False", "protected": "False", "min_disk": "0", "min_ram": "0",
	} {
		w.Header().Set("X-Image-Meta-"+k, v)
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, caller tokenInfo, imageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.findImage(w, r, caller, imageID)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, id := range s.rowsSeenBy(caller, img) {
		out = append(out, map[string]any{"member_id": id, "can_share": img.members[id].canShare})
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, caller tokenInfo, imageID, memberID string) {
	body, ok := s.body(w, r)
	if !ok {
		return
	}
	m, _ := body.(map[string]any)
	member, _ := m["member"].(map[string]any)
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.sharable(w, r, caller, imageID)
	if !ok {
		return
	}
	// The quota counts the rows the caller sees, plus this one, before looking for it.
	if s.overQuota(w, r, len(s.rowsSeenBy(caller, img))+1) {
		return
	}
	canShare := canShareOf(member)
	if row, ok := img.members[memberID]; ok && row.deleted {
		if canShare == nil { // Glance answers 204 and leaves the removed membership removed
			w.WriteHeader(http.StatusNoContent)
			return
		}
		row.deleted, row.canShare = false, false
	}
	upsert(img, memberID, canShare)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) replace(w http.ResponseWriter, r *http.Request, caller tokenInfo, imageID string) {
	body, ok := s.body(w, r)
	if !ok {
		return
	}
	m, isMap := body.(map[string]any)
	if !isMap && body != nil { // Glance calls .get on the body: a bare list is its 500
		s.fail(w, r, http.StatusInternalServerError, "The server has either erred or is incapable of performing the "+
			"requested operation.", "")
		return
	}
	entries, _ := m["memberships"].([]any)
	want := map[string]*bool{}
	for _, e := range entries {
		m, _ := e.(map[string]any)
		id, _ := m["member_id"].(string)
		if id == "" {
			s.fail(w, r, http.StatusBadRequest, registry(http.StatusBadRequest, "Invalid membership association: "+
				"'member_id'\n\n   "), "")
			return
		}
		want[id] = canShareOf(m)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.sharable(w, r, caller, imageID)
	if !ok {
		return
	}
	if s.overQuota(w, r, len(want)) {
		return
	}
	for _, id := range s.rowsSeenBy(caller, img) {
		if _, keep := want[id]; !keep {
			img.members[id].deleted = true
		}
	}
	for id, canShare := range want {
		if row, ok := img.members[id]; ok && row.deleted {
			row.deleted, row.canShare = false, false
		}
		upsert(img, id, canShare)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, caller tokenInfo, imageID, memberID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.sharable(w, r, caller, imageID)
	if !ok {
		return
	}
	if !s.seesRow(caller, img, memberID) {
		s.fail(w, r, http.StatusNotFound, registry(http.StatusNotFound, "Membership could not be found.\n\n   "), "")
		return
	}
	img.members[memberID].deleted = true
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) sharedImages(w http.ResponseWriter, caller tokenInfo, memberID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	ids := make([]string, 0, len(s.images))
	for id := range s.images {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		img := s.images[id]
		if row, ok := img.members[memberID]; ok && !row.deleted &&
			(caller.admin || caller.project == img.owner || caller.project == memberID) {
			out = append(out, map[string]any{"image_id": id, "can_share": row.canShare})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"shared_images": out})
}

// visibleImage is the image when the caller may see it: admin, owner, public, or a member of
// a shared image. Image IDs longer than 36 characters are never found.
func (s *Server) visibleImage(caller tokenInfo, imageID string) (*image, bool) {
	img, ok := s.images[imageID]
	if !ok || len(imageID) > 36 {
		return nil, false
	}
	row, member := img.members[caller.project]
	if caller.admin || img.owner == caller.project || img.visibility == "public" ||
		(member && !row.deleted && img.visibility == "shared") {
		return img, true
	}
	return nil, false
}

// findImage is the image when the caller may see it; otherwise it answers v1's 404.
func (s *Server) findImage(w http.ResponseWriter, r *http.Request, caller tokenInfo, imageID string) (*image, bool) {
	img, ok := s.visibleImage(caller, imageID)
	if !ok {
		s.fail(
			w,
			r,
			http.StatusNotFound,
			"The resource could not be found.",
			fmt.Sprintf("Image with identifier %s not found", imageID),
		)
	}
	return img, ok
}

// overQuota answers 413 when attempted members would pass image_member_quota.
func (s *Server) overQuota(w http.ResponseWriter, r *http.Request, attempted int) bool {
	if s.Quota < 0 || attempted <= s.Quota {
		return false
	}
	s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The limit has been exceeded on the number of allowed "+
		"image members for this image. Attempted: %d, Maximum: %d", attempted, s.Quota), "")
	return true
}

// upsert adds a membership, or keeps the one there; canShare, when given, is set on it
// (omitted, a new row is false and an existing one keeps its value).
func upsert(img *image, memberID string, canShare *bool) {
	row, exists := img.members[memberID]
	if !exists {
		row = &memberRow{}
		img.members[memberID] = row
	}
	if canShare != nil {
		row.canShare = *canShare
	}
}

// canShareOf is an object's can_share as Glance reads it (Python's bool()), nil when absent.
func canShareOf(obj map[string]any) *bool {
	v, set := obj["can_share"]
	if !set {
		return nil
	}
	b := pythonBool(v)
	return &b
}

// sharable is the image when the caller may change its members (admin, owner, or a member
// with can_share); otherwise it answers 404, as v1 does, and says no.
func (s *Server) sharable(w http.ResponseWriter, r *http.Request, caller tokenInfo, imageID string) (*image, bool) {
	img, ok := s.findImage(w, r, caller, imageID)
	if !ok {
		return nil, false
	}
	row, member := img.members[caller.project]
	if caller.admin || img.owner == caller.project || (member && !row.deleted && row.canShare) {
		return img, true
	}
	s.fail(w, r, http.StatusNotFound, registry(http.StatusForbidden, "Access was denied to this resource.\n\n No "+
		"permission to share that image  "), "")
	return nil, false
}

// rowsSeenBy are the member IDs the caller sees, sorted: all for admin and owner, else its own.
func (s *Server) rowsSeenBy(caller tokenInfo, img *image) []string {
	var out []string
	for id := range img.members {
		if s.seesRow(caller, img, id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) seesRow(caller tokenInfo, img *image, memberID string) bool {
	if row, ok := img.members[memberID]; !ok || row.deleted {
		return false
	}
	return caller.admin || img.owner == caller.project || memberID == caller.project
}

// body parses a request body as JSON whatever its Content-Type; an empty body is nil.
func (s *Server) body(w http.ResponseWriter, r *http.Request) (any, bool) {
	var v any
	if err := json.NewDecoder(r.Body).Decode(&v); errors.Is(err, io.EOF) {
		return nil, true
	} else if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Malformed JSON in request body.", "")
		return nil, false
	}
	switch v.(type) {
	case map[string]any, []any:
		return v, true
	}
	s.fail(w, r, http.StatusBadRequest, "Unexpected body type. Expected list/dict.", "")
	return nil, false
}

// authenticate checks the request's token with Keystone (a token may validate itself), as
// keystonemiddleware does; a missing or refused token answers 401.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (tokenInfo, bool) {
	token := r.Header.Get("X-Auth-Token")
	if token == "" {
		w.Header().Set("WWW-Authenticate", "Keystone uri='"+s.keystone+"'")
		s.fail(w, r, http.StatusUnauthorized, "The request you have made requires authentication.", "")
		return tokenInfo{}, false
	}
	s.mu.Lock()
	info, known := s.tokens[token]
	s.mu.Unlock()
	if known && time.Now().Before(info.expires) {
		return info, true
	}
	info, err := s.validate(r, token)
	if err != nil {
		w.Header().Set("WWW-Authenticate", "Keystone uri='"+s.keystone+"'")
		s.fail(w, r, http.StatusUnauthorized, "The request you have made requires authentication.", "")
		return tokenInfo{}, false
	}
	s.mu.Lock()
	s.tokens[token] = info
	s.mu.Unlock()
	return info, true
}

func (s *Server) validate(r *http.Request, token string) (tokenInfo, error) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.keystone+"/auth/tokens", nil)
	if err != nil {
		return tokenInfo{}, err
	}
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("X-Subject-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return tokenInfo{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return tokenInfo{}, fmt.Errorf("keystone answered %d", resp.StatusCode)
	}
	var doc struct {
		Token struct {
			ExpiresAt time.Time `json:"expires_at"`
			Project   struct {
				ID string `json:"id"`
			} `json:"project"`
			Roles []struct {
				Name string `json:"name"`
			} `json:"roles"`
		} `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return tokenInfo{}, err
	}
	info := tokenInfo{project: doc.Token.Project.ID, expires: doc.Token.ExpiresAt}
	for _, role := range doc.Token.Roles {
		info.admin = info.admin || role.Name == "admin"
	}
	return info, nil
}

// fail answers an error as webob does, by the request's Accept: JSON for application/json,
// HTML for */*, plain text otherwise; detail ("" for none) follows the explanation.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, explanation, detail string) {
	title := http.StatusText(status)
	code := fmt.Sprintf("%d %s", status, title)
	accept := r.Header.Get("Accept")
	switch {
	case strings.Contains(accept, "application/json"):
		writeJSON(
			w,
			status,
			map[string]string{"message": explanation + "<br /><br />\n" + detail + "\n\n", "code": code, "title": title},
		)
	case strings.Contains(accept, "*/*"):
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html>\n <head>\n  <title>%s</title>\n </head>\n <body>\n  <h1>%s</h1>\n  %s<br /><br />\n%s\n\n\n "+
			"</body>\n</html>", code, code, explanation, detail)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "%s\n\n%s\n\n%s   ", code, explanation, detail)
	}
}

// registry is an error of glance-registry as glance-api passes it on: the registry's whole
// plain-text answer becomes the explanation.
func registry(status int, explanation string) string {
	return fmt.Sprintf("%d %s\n\n%s", status, http.StatusText(status), explanation)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// pythonBool is Python's bool() of a JSON value: the string "false" is true, null is false.
func pythonBool(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case float64:
		return t != 0
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	}
	return true
}

// unescape is a path segment as the router decodes it.
func unescape(seg string) string {
	if out, err := url.PathUnescape(seg); err == nil {
		return out
	}
	return seg
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
