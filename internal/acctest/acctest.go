// Package acctest holds the acceptance tests' helpers: the local cloud's IDs, direct Glance
// calls (to arrange a situation out of band and to check what really happened). It talks to
// the cloud through gophercloud, not through the provider, so a provider bug cannot hide
// itself in its own checks. The recording and fault-injecting proxy is package proxytest.
package acctest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
)

// Env is the local cloud as devcloud.sh bootstrapped it (its env file, sourced by make):
// everything a test needs to know about it, so that no test reads the environment itself.
type Env struct {
	ProducerProject  string
	ConsumerProject  string
	Consumer2Project string
	AdminProject     string
	ServiceProject   string
	// CloudsFile is the clouds.yaml with the clouds of package devcloud.
	CloudsFile string
	AuthURL    string
	ImageURL   string
	// Image2URL is the second region's Glance (devcloud.RegionTwo).
	Image2URL string
	// MemberQuota is Glance's image_member_quota; -1 is no limit (the bench's cloud).
	MemberQuota int
	// ShortTokenSeconds is the token lifetime through cloud devcloud.ProducerShortToken.
	ShortTokenSeconds int
	// AppCredSecret is the secret of cloud devcloud.ProducerAppCred.
	AppCredSecret string
	// Dir is the local cloud's directory.
	Dir string
}

// Password is the password of a user of the local cloud (each tenant project has one).
func (Env) Password(user string) string { return devcloud.Password(user) }

// Getenv answers the provider's configuration look-ups as a clean environment with the local
// cloud's clouds.yaml would: for tests that configure the provider's client directly.
func (e Env) Getenv(name string) string {
	if name == devcloud.EnvCloudsFile {
		return e.CloudsFile
	}
	return ""
}

// PreCheck fails (never skips) an acceptance test when the local cloud is not set up: in
// CI a skipped acceptance test would be a silent pass.
func PreCheck(t testing.TB) Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc does, and starts the local cloud)")
	}
	number := func(name string) int {
		n, err := strconv.Atoi(os.Getenv(name))
		if err != nil || (n < 1 && (name != devcloud.EnvMemberQuota || n != -1)) {
			t.Fatalf("%s is missing from the local cloud's env: run the acceptance tests with `make testacc`", name)
		}
		return n
	}
	e := Env{
		ProducerProject:   os.Getenv(devcloud.EnvProjectID(devcloud.Producer)),
		ConsumerProject:   os.Getenv(devcloud.EnvProjectID(devcloud.Consumer)),
		Consumer2Project:  os.Getenv(devcloud.EnvProjectID(devcloud.Consumer2)),
		AdminProject:      os.Getenv(devcloud.EnvProjectID("admin")),
		ServiceProject:    os.Getenv(devcloud.EnvProjectID("service")),
		CloudsFile:        os.Getenv(devcloud.EnvCloudsFile),
		AuthURL:           os.Getenv(devcloud.EnvAuthURL),
		ImageURL:          os.Getenv(devcloud.EnvImageURL),
		Image2URL:         os.Getenv(devcloud.EnvImage2URL),
		AppCredSecret:     os.Getenv(devcloud.EnvAppCredSecret),
		Dir:               os.Getenv(devcloud.EnvDir),
		MemberQuota:       number(devcloud.EnvMemberQuota),
		ShortTokenSeconds: number(devcloud.EnvShortTokenSeconds),
	}
	if e.ProducerProject == "" || e.ConsumerProject == "" || e.CloudsFile == "" || e.AuthURL == "" ||
		e.AppCredSecret == "" ||
		e.Dir == "" ||
		e.Image2URL == "" {
		t.Fatal("the local cloud's environment is missing: run the acceptance tests with `make testacc` (it starts the " +
			"cloud and sources .devcloud/env)")
	}
	return e
}

var (
	clientsMu sync.Mutex
	clientsBy = map[string]*gophercloud.ServiceClient{}
)

// Image is an image service client logged in as one of the clouds of the devcloud clouds.yaml,
// in the cloud's region (RegionOne).
func Image(t testing.TB, cloud string) *gophercloud.ServiceClient {
	t.Helper()
	return ImageIn(t, cloud, "")
}

// ImageIn is Image in another region of the catalog ("" for the cloud's own).
func ImageIn(t testing.TB, cloud, region string) *gophercloud.ServiceClient {
	t.Helper()
	clientsMu.Lock()
	defer clientsMu.Unlock()
	key := cloud + "@" + region
	if c, ok := clientsBy[key]; ok {
		return c
	}
	pc, eo, err := devcloud.Login(context.Background(), "", cloud)
	if err != nil {
		t.Fatal(err)
	}
	if region != "" {
		eo.Region = region
	}
	c, err := openstack.NewImageV2(pc, eo)
	if err != nil {
		t.Fatalf("image service for %s in %q: %v", cloud, region, err)
	}
	clientsBy[key] = c
	return c
}

// NewImage creates an image owned by the producer with the given visibility, and deletes it
// when the test ends. Each test gets its own, so tests run in parallel without meeting.
func NewImage(t testing.TB, visibility images.ImageVisibility) string {
	t.Helper()
	return NewImageOf(t, devcloud.Producer, visibility)
}

// NewImageOf is NewImage for an image owned by the project of another cloud.
func NewImageOf(t testing.TB, cloud string, visibility images.ImageVisibility) string {
	t.Helper()
	return NewImageIn(t, cloud, "", visibility)
}

// NewImageIn is NewImageOf in another region's Glance ("" for the cloud's own).
func NewImageIn(t testing.TB, cloud, region string, visibility images.ImageVisibility) string {
	t.Helper()
	return NewImageWithID(t, cloud, region, "", visibility)
}

// NewImageWithID is NewImageIn with the image ID chosen by the caller ("" for Glance's): the
// same ID in two regions is one image as far as a resource's image_id can tell.
func NewImageWithID(t testing.TB, cloud, region, id string, visibility images.ImageVisibility) string {
	t.Helper()
	c := ImageIn(t, cloud, region)
	img, err := images.Create(context.Background(), c, images.CreateOpts{
		ID: id, Name: "acc-" + t.Name(), Visibility: &visibility, DiskFormat: "raw", ContainerFormat: "bare",
	}).Extract()
	if err != nil {
		t.Fatalf("create image as %s: %v", cloud, err)
	}
	t.Cleanup(func() {
		if err := images.Delete(context.Background(), c, img.ID).ExtractErr(); err != nil &&
			!gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Errorf("delete image %s: %v", img.ID, err)
		}
	})
	return img.ID
}

// SetVisibility changes an image's visibility as its owner.
func SetVisibility(t testing.TB, imageID string, visibility images.ImageVisibility) {
	t.Helper()
	opts := images.UpdateOpts{images.UpdateVisibility{Visibility: visibility}}
	_, err := images.Update(context.Background(), Image(t, devcloud.Producer), imageID, opts).
		Extract()
	if err != nil {
		t.Fatalf("set visibility of %s to %s: %v", imageID, visibility, err)
	}
}

// AddMember adds a member as the producer, out of band.
func AddMember(t testing.TB, imageID, memberID string) {
	t.Helper()
	c := Image(t, devcloud.Producer)
	if _, err := members.Create(context.Background(), c, imageID, memberID).Extract(); err != nil {
		t.Fatalf("add member %s to %s: %v", memberID, imageID, err)
	}
}

// RemoveMember removes a member as the producer, out of band.
func RemoveMember(t testing.TB, imageID, memberID string) {
	t.Helper()
	c := Image(t, devcloud.Producer)
	if err := members.Delete(context.Background(), c, imageID, memberID).ExtractErr(); err != nil {
		t.Fatalf("remove member %s from %s: %v", memberID, imageID, err)
	}
}

// Fill adds n made-up members (filler-00, …) to an image out of band, a few at a time, and
// returns their IDs, sorted.
func Fill(t testing.TB, imageID string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for i := range n {
		ids[i] = fmt.Sprintf("filler-%02d", i)
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			c := Image(t, devcloud.Producer)
			if _, err := members.Create(context.Background(), c, imageID, ids[i]).Extract(); err != nil {
				t.Errorf("add filler member %s to %s: %v", ids[i], imageID, err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

// SetStatus answers for a member project, out of band, logged in as cloud (that project).
func SetStatus(t testing.TB, cloud, imageID, memberID, status string) {
	t.Helper()
	opts := members.UpdateOpts{Status: status}
	if _, err := members.Update(context.Background(), Image(t, cloud), imageID, memberID, opts).Extract(); err != nil {
		t.Fatalf("%s: set status of image %s member %s to %s: %v", cloud, imageID, memberID, status, err)
	}
}

// GetMember reads a member as the producer; the error is Glance's, for callers that expect a 404.
func GetMember(imageID, memberID string, c *gophercloud.ServiceClient) (*members.Member, error) {
	return members.Get(context.Background(), c, imageID, memberID).Extract()
}

// MemberIDs lists an image's member IDs as the producer, sorted.
func MemberIDs(t testing.TB, imageID string) []string {
	t.Helper()
	return MemberIDsOf(t, devcloud.Producer, imageID)
}

// MemberIDsOf lists an image's member IDs as the project of a cloud (its owner), sorted.
func MemberIDsOf(t testing.TB, cloud, imageID string) []string {
	t.Helper()
	pages, err := members.List(Image(t, cloud), imageID).AllPages(context.Background())
	if err != nil {
		t.Fatalf("list members of %s as %s: %v", imageID, cloud, err)
	}
	ms, err := members.ExtractMembers(pages)
	if err != nil {
		t.Fatalf("list members of %s: %v", imageID, err)
	}
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.MemberID)
	}
	sort.Strings(ids)
	return ids
}

// CheckMemberGone is a CheckDestroy: every listed membership must answer 404, nothing else.
func CheckMemberGone(t testing.TB, pairs ...[2]string) error {
	for _, p := range pairs {
		_, err := GetMember(p[0], p[1], Image(t, devcloud.Producer))
		switch {
		case err == nil:
			return fmt.Errorf("image %s still has member %s after destroy", p[0], p[1])
		case !gophercloud.ResponseCodeIs(err, http.StatusNotFound):
			return fmt.Errorf("image %s member %s: expected 404 after destroy, got: %v", p[0], p[1], err)
		}
	}
	return nil
}

// DeleteImage deletes an image as the producer, out of band.
func DeleteImage(t testing.TB, imageID string) {
	t.Helper()
	if err := images.Delete(context.Background(), Image(t, devcloud.Producer), imageID).ExtractErr(); err != nil {
		t.Fatalf("delete image %s: %v", imageID, err)
	}
}

// Lines joins requests for messages.
func Lines(reqs []string) string { return "\n  " + strings.Join(reqs, "\n  ") }

// Keystone is a Keystone of the test's own, on the local cloud's database and keys, whose
// tokens expire within seconds (the short-token configuration). The test may stop and start
// it: Glance keeps validating tokens with the local cloud's main Keystone.
type Keystone struct {
	// URL is its v3 URL, the auth_url to configure.
	URL  string
	t    testing.TB
	env  Env
	port int
	cmd  *exec.Cmd
}

// StartKeystone starts a Keystone on a free port; it is stopped when the test ends.
func StartKeystone(t testing.TB, env Env) *Keystone {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := int(netip.MustParseAddrPort(l.Addr().String()).Port())
	l.Close()
	k := &Keystone{URL: fmt.Sprintf("http://127.0.0.1:%d/v3", port), t: t, env: env, port: port}
	t.Cleanup(k.Stop)
	k.Start()
	return k
}

// Start runs it (again) and returns when it answers.
func (k *Keystone) Start() {
	k.t.Helper()
	_, self, _, _ := runtime.Caller(0)
	k.cmd = exec.Command(
		"bash",
		filepath.Join(filepath.Dir(self), "..", "devcloud", "devcloud.sh"),
		"keystone",
		strconv.Itoa(k.port),
	)
	k.cmd.Env = append(os.Environ(), "DEVCLOUD_DIR="+k.env.Dir)
	if err := k.cmd.Start(); err != nil {
		k.t.Fatalf("start keystone: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(k.URL); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	k.t.Fatalf("keystone on port %d did not answer within 30 s", k.port)
}

// Stop ends it (SIGTERM; uwsgi runs with --die-on-term) and returns once the process is gone.
func (k *Keystone) Stop() {
	if k.cmd == nil || k.cmd.Process == nil {
		return
	}
	_ = k.cmd.Process.Signal(syscall.SIGTERM)
	_ = k.cmd.Wait()
	k.cmd = nil
}

// VersionDetection is the request that reads which Image API the service speaks: one per
// provider process that talks to it (terraform destroy starts three).
const VersionDetection = "GET /versions"

// MadeUpProjects are n project IDs to share with (Glance does not check that they exist).
func MadeUpProjects(n int) []string {
	projects := make([]string, n)
	for i := range projects {
		projects[i] = fmt.Sprintf("%032x", 0xbe7c40+i)
	}
	return projects
}
