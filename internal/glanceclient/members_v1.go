package glanceclient

import (
	"context"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
)

// The membership calls of Glance's Image API v1 (Mitaka to Queens; removed in Rocky), as
// ../shared/reference/glance-v1-members.md describes them. gophercloud never had them. v1 has
// no member status and no timestamps, only can_share; GET of one member is always 405, so one
// member is read from the list; a caller who may not share an image gets 404, not 403.
// Not yet used by the resources: they reach v2 through members.go.

// V1Member is a membership as v1 lists it.
type V1Member struct {
	MemberID string `json:"member_id"`
	CanShare bool   `json:"can_share"`
}

// V1SharedImage is an image shared with a project, as v1's shared-images lists it.
type V1SharedImage struct {
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
	return v1Members{sc: &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: root, ResourceBase: root + "v1/", Type: "image"}}
}

// list is GET /v1/images/{id}/members: every member for the owner, only its own for a member.
func (v v1Members) list(ctx context.Context, imageID string) ([]V1Member, error) {
	var body struct {
		Members []V1Member `json:"members"`
	}
	_, err := v.sc.Get(ctx, v.sc.ServiceURL("images", seg(imageID), "members"), &body, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return body.Members, err
}

// put is PUT /v1/images/{id}/members/{member} (204): adds the member, or sets can_share of
// one that exists. Idempotent: v1 never answers 409.
func (v v1Members) put(ctx context.Context, imageID, memberID string, canShare bool) error {
	body := map[string]any{"member": map[string]any{"can_share": canShare}}
	_, err := v.sc.Put(ctx, v.sc.ServiceURL("images", seg(imageID), "members", seg(memberID)), body, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}})
	return err
}

// remove is the seed's call, DELETE /v1/images/{id}/members/{member} (204); a member that is
// not there answers 404.
func (v v1Members) remove(ctx context.Context, imageID, memberID string) error {
	_, err := v.sc.Delete(ctx, v.sc.ServiceURL("images", seg(imageID), "members", seg(memberID)), &gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}})
	return err
}

// replace is PUT /v1/images/{id}/members (204): the member list becomes exactly members, in
// one request whatever their number ([] removes every member).
func (v v1Members) replace(ctx context.Context, imageID string, members []V1Member) error {
	if members == nil {
		members = []V1Member{}
	}
	body := map[string]any{"memberships": members}
	_, err := v.sc.Put(ctx, v.sc.ServiceURL("images", seg(imageID), "members"), body, nil, &gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}})
	return err
}

// sharedImages is GET /v1/shared-images/{project}: the images shared with the project.
func (v v1Members) sharedImages(ctx context.Context, projectID string) ([]V1SharedImage, error) {
	var body struct {
		SharedImages []V1SharedImage `json:"shared_images"`
	}
	_, err := v.sc.Get(ctx, v.sc.ServiceURL("shared-images", seg(projectID)), &body, &gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return body.SharedImages, err
}
