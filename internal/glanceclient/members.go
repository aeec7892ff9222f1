package glanceclient

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Member is an image membership as Glance returns it.
type Member = members.Member

// Image is an image as Glance returns it.
type Image = images.Image

// AddMember shares imageID with project memberID: POST /v2/images/{id}/members. When a
// try's answer was lost and a retry answers 409, the first try did the work: the member is
// read back and returned. A 409 with no such try is the caller's. A failure after a lost
// answer is an *OutcomeUnknownError: the member may exist.
func (c *Client) AddMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	defer c.reads.forget(imageID)
	ctx, t := track(ctx)
	m, err := members.Create(ctx, c.image, seg(imageID), memberID).Extract()
	if gophercloud.ResponseCodeIs(err, http.StatusConflict) && t.answerLost.Load() {
		tflog.Info(ctx, "a retried add answered 409: an earlier try added the member; adopting it", map[string]any{"image_id": imageID, "member_id": memberID})
		return c.GetMember(ctx, imageID, memberID)
	}
	return m, t.unknownOutcome(err)
}

// GetMember reads one membership: GET /v2/images/{id}/members/{member}.
func (c *Client) GetMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	return members.Get(ctx, c.image, seg(imageID), seg(memberID)).Extract()
}

// RemoveMember ends a membership: DELETE /v2/images/{id}/members/{member}. A retry that
// answers 404 after a try whose answer was lost means that try removed it: done. A failure
// after a lost answer is an *OutcomeUnknownError: the member may be gone.
func (c *Client) RemoveMember(ctx context.Context, imageID, memberID string) error {
	defer c.reads.forget(imageID)
	ctx, t := track(ctx)
	err := members.Delete(ctx, c.image, seg(imageID), seg(memberID)).ExtractErr()
	if IsNotFound(err) && t.answerLost.Load() {
		tflog.Info(ctx, "a retried remove answered 404: an earlier try removed the member", map[string]any{"image_id": imageID, "member_id": memberID})
		return nil
	}
	return t.unknownOutcome(err)
}

// GetImage reads an image, to explain a failed member call (is it gone, or not shared?):
// GET /v2/images/{id}, shared like ListMembers.
func (c *Client) GetImage(ctx context.Context, imageID string) (*Image, error) {
	img, err := cachedRead(ctx, c.reads, cacheKey{"image", imageID}, func(ctx context.Context) (*Image, error) {
		return images.Get(ctx, c.image, seg(imageID)).Extract()
	})
	if img == nil {
		return nil, err
	}
	copied := *img // callers may not change what other callers share
	return &copied, err
}

// UpdateMemberStatus sets a membership's status as the member project: PUT
// /v2/images/{id}/members/{member}. Setting a status twice is harmless, so a lost answer is
// simply retried; a failure after one is an *OutcomeUnknownError.
func (c *Client) UpdateMemberStatus(ctx context.Context, imageID, memberID, status string) (*Member, error) {
	defer c.reads.forget(imageID)
	ctx, t := track(ctx)
	m, err := members.Update(ctx, c.image, seg(imageID), seg(memberID), members.UpdateOpts{Status: status}).Extract()
	return m, t.unknownOutcome(err)
}

// ListMembers reads every member of an image in one request: GET /v2/images/{id}/members
// (Glance does not paginate members). Reads of the same image share that request: those
// made while it is in flight wait for it, and its answer serves those in the ReadWindow
// after it, until this client changes the image's members.
func (c *Client) ListMembers(ctx context.Context, imageID string) ([]Member, error) {
	list, err := c.sharedMembers(ctx, imageID)
	return slices.Clone(list), err // callers may sort what other callers share
}

// ErrMemberNotListed is FindMember's answer when the image's member list, read, has no
// such member.
var ErrMemberNotListed = errors.New("not in the image's member list")

// FindMember is imageID's membership of memberID from the image's member list (shared as
// ListMembers is), or ErrMemberNotListed.
func (c *Client) FindMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	list, err := c.sharedMembers(ctx, imageID)
	if err != nil {
		return nil, err
	}
	for _, m := range list { // a copy of the one member: the list is shared
		if m.MemberID == memberID {
			return &m, nil
		}
	}
	return nil, ErrMemberNotListed
}

// sharedMembers is the image's member list as every reader shares it: never to be changed.
func (c *Client) sharedMembers(ctx context.Context, imageID string) ([]Member, error) {
	return cachedRead(ctx, c.reads, cacheKey{"members", imageID}, func(ctx context.Context) ([]Member, error) {
		page, err := members.List(c.image, seg(imageID)).AllPages(ctx)
		if err != nil {
			return nil, err
		}
		return members.ExtractMembers(page)
	})
}

// seg is an ID as one segment of a URL path: escaped, so that a member ID such as
// "victim?x=1" names exactly itself and never another member (gophercloud joins path
// segments as they are). The provider refuses IDs that are "." or ".." at plan time, since a
// proxy may resolve those.
func seg(id string) string { return url.PathEscape(id) }

// MemberStatuses are the answers a member project can give, in the order we list them.
var MemberStatuses = []string{"pending", "accepted", "rejected"}

// SharedImage is an image shared with the caller's project, with the caller's answer.
type SharedImage struct {
	Image
	MemberStatus string
}

// ListSharedImages lists the images other projects share with the caller's project whose
// membership has one of the given statuses, following Glance's pagination to the end. Glance
// only tells an image's member status through the member_status filter, so this is one
// paginated list per status. Glance also lists the caller's own shared images here; they are
// not shared *with* the caller and are left out.
func (c *Client) ListSharedImages(ctx context.Context, statuses []string, owner string) ([]SharedImage, error) {
	var out []SharedImage
	for _, status := range statuses {
		opts := images.ListOpts{Visibility: images.ImageVisibilityShared, MemberStatus: images.ImageMemberStatus(status), Owner: owner}
		pages, err := images.List(c.image, opts).AllPages(ctx)
		if err != nil {
			return nil, err
		}
		list, err := images.ExtractImages(pages)
		if err != nil {
			return nil, err
		}
		for _, img := range list {
			if img.Owner != c.ProjectID {
				out = append(out, SharedImage{Image: img, MemberStatus: status})
			}
		}
	}
	return out, nil
}
