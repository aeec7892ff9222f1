package glanceclient

import (
	"context"
	"net/http"
	"slices"
)

// The member side's read: the images other projects share with the caller's project, and its
// answer to each (its "inbox"). Glance lists them by answer (GET /v2/images?visibility=shared&
// member_status=…; v1: GET /v1/shared-images/{project}), and the read cache shares each list
// as it shares an image's member list: a refresh of any number of glance_image_member_acceptance
// and the shared_images data source cost at most one list per answer, paginated.

// inbox is one answer's list, indexed by image.
type inbox struct {
	images []SharedImage
	byID   map[string]int
}

// sharedWithMe is the list of the images shared with the caller's project whose membership
// has status, as every reader shares it: never to be changed.
func (c *Client) sharedWithMe(ctx context.Context, status string) (*inbox, error) {
	return onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (*inbox, error) {
		if version == ImageAPIv1 {
			status = "" // v1 has no answers: one list of every shared image
		}
		return cachedRead(ctx, c.reads, cacheKey{"inbox", status, version}, func(ctx context.Context) (*inbox, error) {
			list, err := read(ctx, func(ctx context.Context) ([]SharedImage, error) {
				return api.sharedImages(ctx, c.ProjectID, status)
			})
			if err != nil {
				return nil, err
			}
			return &inbox{images: list, byID: indexOf(list, func(img SharedImage) string { return img.ID })}, nil
		})
	})
}

// InboxFilter picks from the lists of images shared with the caller's project: images of
// this owner, of exactly this name (compared here, as written: no Glance operator applies);
// "" picks any.
type InboxFilter struct {
	Owner, Name string
}

func (f InboxFilter) picks(img SharedImage) bool {
	return (f.Owner == "" || img.Owner == f.Owner) && (f.Name == "" || img.Name == f.Name)
}

// ListSharedImages lists the images other projects share with the caller's project that the
// filter picks. On v2, only those whose membership has one of the given statuses; v1 has no
// status, and lists them all.
func (c *Client) ListSharedImages(ctx context.Context, statuses []string, filter InboxFilter) ([]SharedImage, error) {
	var out []SharedImage
	for i, status := range statuses {
		in, err := c.sharedWithMe(ctx, status)
		if err != nil {
			return nil, err
		}
		if i > 0 && c.ImageAPI() == ImageAPIv1 {
			break // one list of them all
		}
		for _, img := range in.images {
			if filter.picks(img) {
				out = append(out, img) // a copy: the list is shared
			}
		}
	}
	return out, nil
}

// Answer is memberID's membership of imageID as the member project sees it. For the caller's
// own project, Glance's lists of the images shared with it say which answer it gave (likely,
// the answer last seen, is looked at first, so that a refresh with nothing changed reads one
// list); the member returned then has its status only, no timestamps. An image in none of the
// lists is read by itself (GET of the member), which says whether the membership is gone. For
// another project (an admin answering for it), or an admin's own (Glance lists every shared
// image to an admin, whatever the answer), it is GET of the member.
func (c *Client) Answer(ctx context.Context, imageID, memberID, likely string) (*Member, error) {
	if memberID != c.ProjectID || c.Admin || !c.HasMemberStatus() {
		return c.GetMember(ctx, imageID, memberID)
	}
	order := slices.Clone(MemberStatuses)
	if i := slices.Index(order, likely); i > 0 {
		order = append([]string{likely}, slices.Delete(order, i, i+1)...)
	}
	for _, status := range order {
		in, err := c.sharedWithMe(ctx, status)
		if Status(err) == http.StatusForbidden {
			break // a policy that refuses the list may allow the member's own read
		}
		if err != nil {
			return nil, err
		}
		if _, ok := in.byID[imageID]; ok {
			return &Member{ImageID: imageID, MemberID: memberID, Status: status}, nil
		}
	}
	return c.GetMember(ctx, imageID, memberID)
}
