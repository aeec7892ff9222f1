package glanceclient

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// v2Members makes Image API v2's membership calls through gophercloud; sc's ResourceBase ends
// in "v2/".
type v2Members struct {
	sc *gophercloud.ServiceClient
}

func fromV2(m *members.Member) *Member {
	return &Member{
		ImageID:   m.ImageID,
		MemberID:  m.MemberID,
		Status:    m.Status,
		CreatedAt: m.CreatedAt,
		UpdatedAt: m.UpdatedAt,
		Schema:    m.Schema,
	}
}

// addMember is POST /v2/images/{id}/members; 409 when the project is a member already.
func (v v2Members) addMember(ctx context.Context, imageID, memberID string, canShare bool) (*Member, error) {
	if canShare {
		return nil, &UnsupportedError{API: ImageAPIv2, What: "can_share"}
	}
	m, err := members.Create(ctx, v.sc, seg(imageID), memberID).Extract()
	if err != nil {
		return nil, err
	}
	return fromV2(m), nil
}

// getMember is GET /v2/images/{id}/members/{member}.
// The answer's Date header gives Glance's clock, to compare its created_at with ours.
func (v v2Members) getMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	r := members.Get(ctx, v.sc, seg(imageID), seg(memberID))
	m, err := r.Extract()
	if err != nil {
		return nil, err
	}
	out := fromV2(m)
	if date, err := http.ParseTime(r.Header.Get("Date")); err == nil {
		out.clockOffset = time.Until(date) // Date is cut to the second: never more than the true offset
	}
	return out, nil
}

// listMembers is GET /v2/images/{id}/members.
func (v v2Members) listMembers(ctx context.Context, imageID string) ([]Member, error) {
	page, err := members.List(v.sc, seg(imageID)).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	list, err := members.ExtractMembers(page)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(list))
	for i := range list {
		out[i] = *fromV2(&list[i])
	}
	return out, nil
}

// removeMember is DELETE /v2/images/{id}/members/{member}.
func (v v2Members) removeMember(ctx context.Context, imageID, memberID string) error {
	return members.Delete(ctx, v.sc, seg(imageID), seg(memberID)).ExtractErr()
}

// setStatus is PUT /v2/images/{id}/members/{member}, as the member project.
func (v v2Members) setStatus(ctx context.Context, imageID, memberID, status string) (*Member, error) {
	m, err := members.Update(ctx, v.sc, seg(imageID), seg(memberID), members.UpdateOpts{Status: status}).Extract()
	if err != nil {
		return nil, err
	}
	return fromV2(m), nil
}

func (v v2Members) setCanShare(context.Context, string, string, bool) error {
	return &UnsupportedError{API: ImageAPIv2, What: "can_share"}
}

func (v v2Members) replaceMembers(context.Context, string, []string) error {
	return &UnsupportedError{API: ImageAPIv2, What: "call that replaces a member list"}
}

// getImage is GET /v2/images/{id}.
func (v v2Members) getImage(ctx context.Context, imageID string) (*Image, error) {
	return images.Get(ctx, v.sc, seg(imageID)).Extract()
}

// sharedImages lists the images shared with projectID whose membership has the given status,
// following Glance's pagination to the end, in pages as large as Glance allows. Glance tells
// an image's member status only through the member_status filter, so this is one list per
// status. Glance also lists the caller's own shared images here; they are not shared *with*
// the caller and are left out.
func (v v2Members) sharedImages(ctx context.Context, projectID, status string) ([]SharedImage, error) {
	opts := images.ListOpts{
		Visibility:   images.ImageVisibilityShared,
		MemberStatus: images.ImageMemberStatus(status),
		Limit:        inboxPageSize,
	}
	pages, err := images.List(v.sc, opts).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	list, err := images.ExtractImages(pages)
	if err != nil {
		return nil, err
	}
	var out []SharedImage
	for _, img := range list {
		if img.Owner != projectID {
			out = append(out, SharedImage{Image: img, MemberStatus: status})
		}
	}
	return out, nil
}

// inboxPageSize is the page size asked of Glance's image lists: Glance's default largest
// (api_limit_max); a cloud with a smaller one answers smaller pages, and the list goes on.
const inboxPageSize = 1000

// imageListQuery is images.ListOpts with Glance's filters on any image property
// (?os_distro=ubuntu), which gophercloud's options do not have.
type imageListQuery struct {
	images.ListOpts
	properties map[string]string
}

func (q imageListQuery) ToImageListQuery() (string, error) {
	s, err := q.ListOpts.ToImageListQuery()
	if err != nil {
		return "", err
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	params := u.Query()
	for k, v := range q.properties {
		params.Set(k, v)
	}
	return "?" + params.Encode(), nil
}

// literal is a name filter that Glance compares as it is written: Glance reads a value with a
// colon as "operator:operand" (in:a,b is a list of names), and an explicit eq: makes the rest,
// colons and commas included, the one name.
func literal(name string) string {
	if name == "" {
		return ""
	}
	return "eq:" + name
}

// findImages is GET /v2/images with the query's filters: for Newest, sorted newest first
// and only the first page of one; otherwise every page.
func (v v2Members) findImages(ctx context.Context, q ImageQuery) ([]Image, error) {
	opts := imageListQuery{
		ListOpts: images.ListOpts{
			Name:         literal(q.Name),
			Owner:        q.Owner,
			Visibility:   images.ImageVisibility(q.Visibility),
			Tags:         q.Tags,
			MemberStatus: images.ImageMemberStatus(q.MemberStatus),
		},
		properties: q.Properties,
	}
	pager := images.List(v.sc, opts)
	if !q.Newest {
		pages, err := pager.AllPages(ctx)
		if err != nil {
			return nil, err
		}
		return images.ExtractImages(pages)
	}
	opts.Sort, opts.Limit = "created_at:desc,id:desc", 1
	var newest []Image
	err := images.List(v.sc, opts).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		list, err := images.ExtractImages(page)
		newest = list
		return false, err // the first page is the answer
	})
	return newest, err
}
