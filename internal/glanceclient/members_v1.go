package glanceclient

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"golang.org/x/sync/errgroup"
)

// The membership calls of Glance's Image API v1 (Mitaka to Queens; removed in Rocky), as
// internal/glancev1test/README.md describes them. gophercloud never had them. v1 has
// no member status and no timestamps, only can_share; GET of one member is always 405, so one
// member is read from the list; a caller who may not share an image gets 404, not 403.

// v1Member is a membership as v1 lists it.
type v1Member struct {
	MemberID string `json:"member_id"`
	CanShare bool   `json:"can_share"`
}

// v1SharedImage is an image shared with a project, as v1's shared-images lists it.
type v1SharedImage struct {
	ImageID  string `json:"image_id"`
	CanShare bool   `json:"can_share"`
}

// v1Members makes v1's membership calls; sc's ResourceBase ends in "v1/".
type v1Members struct {
	sc *gophercloud.ServiceClient
}

// newV1Members is the v1 client beside the v2 one: the same authenticated provider client,
// at the unversioned root's v1/.
func newV1Members(pc *gophercloud.ProviderClient, endpoint string) v1Members {
	root := UnversionedEndpoint(endpoint)
	return v1Members{
		sc: &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: root, ResourceBase: root + "v1/", Type: "image"},
	}
}

// v1Refusal is the text of v1's 404 to a caller who may not share the image.
var v1Refusal = []byte("No permission to share that image")

// v1Error reports v1's 404 "No permission to share that image" as the 403 it means (v2
// answers 403), so that no caller takes a refusal for a missing image or member: a remove
// would otherwise call it done. The body, Glance's own words, is kept.
func v1Error(err error) error {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) && e.Actual == http.StatusNotFound && bytes.Contains(e.Body, v1Refusal) {
		e.Actual = http.StatusForbidden
		return e
	}
	return err
}

// list is GET /v1/images/{id}/members: every member for the owner, only its own for a member.
func (v v1Members) list(ctx context.Context, imageID string) ([]v1Member, error) {
	var body struct {
		Members []v1Member `json:"members"`
	}
	_, err := v.sc.Get(
		ctx,
		v.sc.ServiceURL("images", seg(imageID), "members"),
		&body,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}},
	)
	return body.Members, v1Error(err)
}

// put is PUT /v1/images/{id}/members/{member} (204): adds the member, or sets can_share of
// one that exists. Idempotent: v1 never answers 409.
func (v v1Members) put(ctx context.Context, imageID, memberID string, canShare bool) error {
	body := map[string]any{"member": map[string]any{"can_share": canShare}}
	_, err := v.sc.Put(
		ctx,
		v.sc.ServiceURL("images", seg(imageID), "members", seg(memberID)),
		body,
		nil,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}},
	)
	return v1Error(err)
}

// remove is DELETE /v1/images/{id}/members/{member} (204); a member that is
// not there answers 404.
func (v v1Members) remove(ctx context.Context, imageID, memberID string) error {
	_, err := v.sc.Delete(
		ctx,
		v.sc.ServiceURL("images", seg(imageID), "members", seg(memberID)),
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}},
	)
	return v1Error(err)
}

// replace is PUT /v1/images/{id}/members (204): the member list becomes exactly memberIDs,
// in one request whatever their number ([] removes every member). Entries carry no
// can_share, so members that stay keep theirs and new ones get false.
func (v v1Members) replace(ctx context.Context, imageID string, memberIDs []string) error {
	entries := make([]map[string]string, len(memberIDs))
	for i, id := range memberIDs {
		entries[i] = map[string]string{"member_id": id}
	}
	body := map[string]any{"memberships": entries}
	_, err := v.sc.Put(
		ctx,
		v.sc.ServiceURL("images", seg(imageID), "members"),
		body,
		nil,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}},
	)
	return v1Error(err)
}

// sharedWith is GET /v1/shared-images/{project}: the images shared with the project.
func (v v1Members) sharedWith(ctx context.Context, projectID string) ([]v1SharedImage, error) {
	var body struct {
		SharedImages []v1SharedImage `json:"shared_images"`
	}
	_, err := v.sc.Get(
		ctx,
		v.sc.ServiceURL("shared-images", seg(projectID)),
		&body,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}},
	)
	return body.SharedImages, v1Error(err)
}

// head is HEAD /v1/images/{id}: v1 tells an image's metadata in x-image-meta-* headers.
func (v v1Members) head(ctx context.Context, imageID string) (*Image, error) {
	resp, err := v.sc.Head(
		ctx,
		v.sc.ServiceURL("images", seg(imageID)),
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}},
	)
	if err != nil {
		return nil, v1Error(err)
	}
	meta := func(k string) string { return resp.Header.Get("X-Image-Meta-" + k) }
	img := &Image{
		ID: meta("id"), Name: meta("name"), Owner: meta("owner"), Status: images.ImageStatus(meta("status")),
		DiskFormat: meta("disk_format"), ContainerFormat: meta("container_format"),
		// v1's is_public=False is v2's shared: members see it.
		Visibility: images.ImageVisibilityShared,
	}
	if strings.EqualFold(meta("is_public"), "true") {
		img.Visibility = images.ImageVisibilityPublic
	}
	img.SizeBytes, _ = strconv.ParseInt(meta("size"), 10, 64)
	img.CreatedAt, _ = time.Parse("2006-01-02T15:04:05.999999", meta("created_at"))
	img.UpdatedAt, _ = time.Parse("2006-01-02T15:04:05.999999", meta("updated_at"))
	return img, nil
}

// The memberAPI calls, over the v1 calls above.

func (v v1Members) addMember(ctx context.Context, imageID, memberID string, canShare bool) (*Member, error) {
	if err := v.put(ctx, imageID, memberID, canShare); err != nil {
		return nil, err
	}
	// 204 and no body: the membership is what was sent.
	return &Member{ImageID: imageID, MemberID: memberID, CanShare: canShare}, nil
}

func (v v1Members) getMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	list, err := v.listMembers(ctx, imageID)
	if err != nil {
		return nil, err
	}
	return findMember(list, memberID)
}

func (v v1Members) listMembers(ctx context.Context, imageID string) ([]Member, error) {
	list, err := v.list(ctx, imageID)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(list))
	for i, m := range list {
		out[i] = Member{ImageID: imageID, MemberID: m.MemberID, CanShare: m.CanShare}
	}
	return out, nil
}

func (v v1Members) removeMember(ctx context.Context, imageID, memberID string) error {
	return v.remove(ctx, imageID, memberID)
}

func (v v1Members) setStatus(context.Context, string, string, string) (*Member, error) {
	return nil, &UnsupportedError{API: ImageAPIv1, What: "member status (a membership is in effect as soon as the owner " +
		"adds it)"}
}

func (v v1Members) setCanShare(ctx context.Context, imageID, memberID string, canShare bool) error {
	return v.put(ctx, imageID, memberID, canShare)
}

func (v v1Members) replaceMembers(ctx context.Context, imageID string, memberIDs []string) error {
	return v.replace(ctx, imageID, memberIDs)
}

func (v v1Members) getImage(ctx context.Context, imageID string) (*Image, error) {
	return v.head(ctx, imageID)
}

func (v v1Members) findImages(context.Context, ImageQuery) ([]Image, error) {
	return nil, &UnsupportedError{API: ImageAPIv1, What: "image search the provider uses (GET /v2/images with filters)"}
}

// headsInFlight bounds the concurrent HEADs that name the images shared with a project.
const headsInFlight = 4

// sharedImages is shared-images, then one HEAD per image for its name and owner (v1 lists
// only IDs). An image the project can no longer see (HEAD 404) is left out, as are images
// the project owns. v1 has no status: status is ignored.
func (v v1Members) sharedImages(ctx context.Context, projectID, _ string) ([]SharedImage, error) {
	shared, err := v.sharedWith(ctx, projectID)
	if err != nil {
		return nil, err
	}
	found := make([]*SharedImage, len(shared))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(headsInFlight)
	for i, s := range shared {
		g.Go(func() error {
			img, err := v.head(ctx, s.ImageID)
			switch {
			case IsNotFound(err): // no longer visible to the project
			case err != nil:
				return err
			case img.Owner != projectID:
				found[i] = &SharedImage{Image: *img, CanShare: s.CanShare}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []SharedImage
	for _, s := range found {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out, nil
}
