package glanceclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The Client's membership calls, the same for every Image API version: the read cache, lost
// answers, "already a member". The HTTP calls of each version sit behind memberAPI, in
// members_v2.go and members_v1.go, so the provider never asks which version it speaks; it
// asks what the service has (HasMemberStatus, HasCanShare) only to refuse at plan time what
// the version cannot do.

// Member is an image membership, whichever Image API version reported it.
type Member struct {
	ImageID  string
	MemberID string
	// Status is the member project's answer (pending, accepted, rejected); "" on v1, which
	// has none.
	Status string
	// CreatedAt, UpdatedAt and Schema are v2's; zero on v1.
	CreatedAt time.Time
	UpdatedAt time.Time
	Schema    string
	// CanShare is v1's: the member may share the image further. Always false on v2.
	CanShare bool
	// clockOffset is Glance's clock minus this machine's, from the Date header of the answer
	// that reported the member (v2's GET of one member; zero otherwise).
	clockOffset time.Duration
}

// Image is an image as Glance returns it (on v1, the fields its HEAD answer carries).
type Image = images.Image

// SharedImage is an image shared with the caller's project, with the caller's membership.
type SharedImage struct {
	Image
	// MemberStatus is the caller's answer; "" on v1.
	MemberStatus string
	// CanShare is v1's: the caller may share the image further.
	CanShare bool
}

// memberAPI is one Image API version's membership calls, without what every version shares.
type memberAPI interface {
	addMember(ctx context.Context, imageID, memberID string, canShare bool) (*Member, error)
	getMember(ctx context.Context, imageID, memberID string) (*Member, error)
	listMembers(ctx context.Context, imageID string) ([]Member, error)
	removeMember(ctx context.Context, imageID, memberID string) error
	setStatus(ctx context.Context, imageID, memberID, status string) (*Member, error)
	setCanShare(ctx context.Context, imageID, memberID string, canShare bool) error
	replaceMembers(ctx context.Context, imageID string, memberIDs []string) error
	getImage(ctx context.Context, imageID string) (*Image, error)
	sharedImages(ctx context.Context, projectID, status string) ([]SharedImage, error)
	findImages(ctx context.Context, q ImageQuery) ([]Image, error)
}

// ImageQuery is what FindImages looks for: every field given must match (Tags: all of them;
// Properties: each key with exactly that value).
type ImageQuery struct {
	Name, Owner, Visibility string
	// MemberStatus chooses the images shared with the caller's project that are listed:
	// pending, accepted, rejected or all; "" is Glance's default, accepted.
	MemberStatus string
	Tags         []string
	Properties   map[string]string
	// Newest asks for the most recently created match alone: one request, whatever the number
	// of matches. Otherwise every match, following Glance's pages to the end.
	Newest bool
}

// FindImages lists the images that match q, as Glance filters them (v2 only).
func (c *Client) FindImages(ctx context.Context, q ImageQuery) ([]Image, error) {
	return onAPI(ctx, c, func(ctx context.Context, api memberAPI, _ string) ([]Image, error) {
		return read(ctx, func(ctx context.Context) ([]Image, error) { return api.findImages(ctx, q) })
	})
}

// read makes a call that changes nothing, tracked so that an answer it cannot read is named
// as such (tracker.explain).
func read[T any](ctx context.Context, call func(context.Context) (T, error)) (T, error) {
	ctx, t := track(ctx)
	v, err := call(ctx)
	return v, t.explain(err)
}

// UnsupportedError is a call the image service's Image API version does not have. The
// provider refuses such configurations at plan time; this is the last line.
type UnsupportedError struct {
	API  string // ImageAPIv1 or ImageAPIv2
	What string // "member status", "can_share", …
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the image service speaks Image API v%s, which has no %s", e.API, e.What)
}

// HasMemberStatus says whether members answer (accept, reject) an image: v2 only. Until an
// answer of the service has told the version (ImageAPI), v2 is assumed; Version finds out.
func (c *Client) HasMemberStatus() bool { return c.ImageAPI() != ImageAPIv1 }

// HasCanShare says whether a member can be allowed to share the image further: v1 only, once
// known.
func (c *Client) HasCanShare() bool { return c.ImageAPI() == ImageAPIv1 }

// HasListReplace says whether an image's whole member list is replaced in one request
// (v1's PUT on the collection); on v2 each member is added or removed by itself.
func (c *Client) HasListReplace() bool { return c.ImageAPI() == ImageAPIv1 }

// Added is what AddMember did: Glance's member, and whether the project was already a member
// before this add began (Existing), which the add then adopts rather than refuses: the
// membership the caller wants is there, whoever made it (a killed run, a lost answer, someone
// else). On v2 Existing comes with Glance's created_at; v1 records no time.
type Added struct {
	*Member
	Existing bool
}

// AddMember shares imageID with project memberID; canShare (v1 only) lets the member share
// it further. v2 answers 409 for a member that exists, and the member is then read; v1's PUT
// is idempotent and would silently keep it, so on v1 the member list is looked at first
// (shared as ListMembers is). A member that exists is adopted: Existing unless Glance made it
// after this call began (one of its own tries whose answer was lost). When a try's answer was
// lost or was a 5xx, and time is left, the member is read once to settle what happened;
// a failure that still cannot tell is an *OutcomeUnknownError: the member may exist.
func (c *Client) AddMember(ctx context.Context, imageID, memberID string, canShare bool) (Added, error) {
	defer c.reads.forget(imageID)
	return onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (Added, error) {
		return c.addMember(ctx, api, version, imageID, memberID, canShare)
	})
}

func (c *Client) addMember(
	ctx context.Context,
	api memberAPI,
	version, imageID, memberID string,
	canShare bool,
) (Added, error) {
	since := time.Now()
	if version == ImageAPIv1 {
		m, err := c.findMember(ctx, api, version, imageID, memberID)
		switch {
		case err == nil && m.CanShare != canShare:
			// v1's PUT sets can_share on a member that exists: the state then says what was asked.
			m, err = api.addMember(ctx, imageID, memberID, canShare)
			return Added{Member: m, Existing: true}, err
		case err == nil:
			return Added{Member: m, Existing: true}, nil // v1 has no created_at to tell whose it is
		case !errors.Is(err, ErrMemberNotListed):
			return Added{}, err // FindMember explained a refusal
		}
	}
	ctx, t := track(ctx)
	m, err := api.addMember(ctx, imageID, memberID, canShare)
	switch {
	case err == nil:
		return Added{Member: m}, nil
	case gophercloud.ResponseCodeIs(err, http.StatusConflict):
		existing, ours, getErr := addedSince(ctx, api, imageID, memberID, since)
		if getErr != nil {
			return Added{}, t.unknownOutcome(getErr)
		}
		tflog.Info(ctx, "the add answered 409: the member is there; adopting it", map[string]any{
			"image_id": imageID, "member_id": memberID, "made_before_this_add": !ours,
		})
		return Added{Member: existing, Existing: !ours}, nil
	}
	err = t.unknownOutcome(c.explainRefusal(ctx, api, version, imageID, err))
	var unknown *OutcomeUnknownError
	if errors.As(err, &unknown) && ctx.Err() == nil {
		// The add may have been made: one read tells, while the operation has time.
		if existing, ours, getErr := addedSince(ctx, api, imageID, memberID, since); getErr == nil {
			tflog.Info(
				ctx,
				"the add's answer was lost or failed, but Glance has the member: adopting it",
				map[string]any{"image_id": imageID, "member_id": memberID, "error": err.Error()},
			)
			return Added{Member: existing, Existing: !ours}, nil
		}
	}
	return Added{}, err
}

// addedSince reads the member and says whether Glance created it at or after since, a time
// of this machine's clock. Glance's created_at is compared in Glance's own clock, read from
// the Date header of the same answer: since, moved by the difference between the clocks, and
// cut to the whole second as created_at and Date are. A member someone else created within
// about a second before since cannot be told from ours, and counts as ours. v1 records no
// time; its add looked at the list just before, so a member there now is ours.
func addedSince(ctx context.Context, api memberAPI, imageID, memberID string, since time.Time) (*Member, bool, error) {
	m, err := api.getMember(ctx, imageID, memberID)
	if err != nil || m.CreatedAt.IsZero() {
		return m, err == nil, err
	}
	start := since.Add(m.clockOffset).Truncate(time.Second)
	return m, !m.CreatedAt.Before(start), nil
}

// GetMember reads one membership: v2's GET of the member; v1, which has no such call, finds
// it in the member list. A member not there is a not-found error.
func (c *Client) GetMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	return onAPI(ctx, c, func(ctx context.Context, api memberAPI, _ string) (*Member, error) {
		return read(ctx, func(ctx context.Context) (*Member, error) { return api.getMember(ctx, imageID, memberID) })
	})
}

// RemoveMember ends a membership: DELETE /v2/images/{id}/members/{member}, or on v1
// DELETE /v1/images/{id}/members/{member}. A retry that answers 404 after a try whose
// answer was lost means that try removed it: done. A failure after a lost answer is an
// *OutcomeUnknownError: the member may be gone.
func (c *Client) RemoveMember(ctx context.Context, imageID, memberID string) error {
	defer c.reads.forget(imageID)
	_, err := onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (struct{}, error) {
		ctx, t := track(ctx)
		err := api.removeMember(ctx, imageID, memberID)
		if IsNotFound(err) && t.answerLost.Load() {
			tflog.Info(
				ctx,
				"a retried remove answered 404: an earlier try removed the member",
				map[string]any{"image_id": imageID, "member_id": memberID},
			)
			return struct{}{}, nil
		}
		return struct{}{}, t.unknownOutcome(c.explainRefusal(ctx, api, version, imageID, err))
	})
	return err
}

// SetCanShare changes whether a member may share the image further (v1: one PUT). Setting it
// twice is harmless, so a lost answer is simply retried.
func (c *Client) SetCanShare(ctx context.Context, imageID, memberID string, canShare bool) error {
	defer c.reads.forget(imageID)
	return change(ctx, c, imageID, func(ctx context.Context, api memberAPI) error {
		return api.setCanShare(ctx, imageID, memberID, canShare)
	})
}

// ReplaceMembers makes the image's member list exactly memberIDs in one request (v1's PUT on
// the collection), whatever their number; members that stay keep their can_share. Idempotent,
// so a lost answer is simply retried.
func (c *Client) ReplaceMembers(ctx context.Context, imageID string, memberIDs []string) error {
	defer c.reads.forget(imageID)
	return change(ctx, c, imageID, func(ctx context.Context, api memberAPI) error {
		return api.replaceMembers(ctx, imageID, memberIDs)
	})
}

// GetImage reads an image, to explain a failed member call (is it gone, or not shared?),
// shared like ListMembers: GET /v2/images/{id}, or v1's HEAD /v1/images/{id}.
func (c *Client) GetImage(ctx context.Context, imageID string) (*Image, error) {
	img, err := onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (*Image, error) {
		return c.image(ctx, api, version, imageID)
	})
	if img == nil {
		return nil, err
	}
	copied := *img // callers may not change what other callers share
	return &copied, err
}

// image is GetImage in a version already chosen (api its calls), as calls made inside onAPI
// read it: the image as every reader shares it, never to be changed.
func (c *Client) image(ctx context.Context, api memberAPI, version, imageID string) (*Image, error) {
	return cachedRead(ctx, c.reads, cacheKey{"image", imageID, version}, func(ctx context.Context) (*Image, error) {
		return read(ctx, func(ctx context.Context) (*Image, error) { return api.getImage(ctx, imageID) })
	})
}

// UpdateMemberStatus sets a membership's status as the member project (v2 only). Setting a
// status twice is harmless, so a lost answer is simply retried; a failure after one is an
// *OutcomeUnknownError.
func (c *Client) UpdateMemberStatus(ctx context.Context, imageID, memberID, status string) (*Member, error) {
	defer c.reads.forget(imageID)
	return onAPI(ctx, c, func(ctx context.Context, api memberAPI, _ string) (*Member, error) {
		ctx, t := track(ctx)
		m, err := api.setStatus(ctx, imageID, memberID, status)
		return m, t.unknownOutcome(err)
	})
}

// ListMembers reads every member of an image in one request (Glance does not paginate
// members). Reads of the same image share that request: those made while it is in flight
// wait for it, and its answer serves those in the readWindow after it, until this client
// changes the image's members.
func (c *Client) ListMembers(ctx context.Context, imageID string) ([]Member, error) {
	list, err := onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (*memberList, error) {
		return c.members(ctx, api, version, imageID)
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(list.members), nil // callers may sort what other callers share
}

// ErrMemberNotListed is FindMember's answer when the image's member list, read, has no
// such member.
var ErrMemberNotListed = errors.New("not in the image's member list")

// FindMember is imageID's membership of memberID from the image's member list (shared as
// ListMembers is), or ErrMemberNotListed.
func (c *Client) FindMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	return onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (*Member, error) {
		return c.findMember(ctx, api, version, imageID, memberID)
	})
}

// findMember is FindMember in a version already chosen (api its calls).
func (c *Client) findMember(ctx context.Context, api memberAPI, version, imageID, memberID string) (*Member, error) {
	list, err := c.members(ctx, api, version, imageID)
	if err != nil {
		return nil, err
	}
	i, ok := list.byID[memberID]
	if !ok {
		return nil, ErrMemberNotListed
	}
	m := list.members[i] // a copy of the one member: the list is shared
	return &m, nil
}

func findMember(list []Member, memberID string) (*Member, error) {
	for _, m := range list { // a copy of the one member: the list may be shared
		if m.MemberID == memberID {
			return &m, nil
		}
	}
	return nil, ErrMemberNotListed
}

// memberList is an image's member list, indexed by member: a refresh of N glance_image_member
// of one image finds each in it at once, not by a walk of the list.
type memberList struct {
	members []Member
	byID    map[string]int
}

// indexOf is each item's position in a list, by the item's key.
func indexOf[T any](items []T, key func(T) string) map[string]int {
	byKey := make(map[string]int, len(items))
	for i, item := range items {
		byKey[key(item)] = i
	}
	return byKey
}

// members is the image's member list in a version already chosen (api its calls), as every
// reader shares it: never to be changed. A refusal is explained.
func (c *Client) members(ctx context.Context, api memberAPI, version, imageID string) (*memberList, error) {
	key := cacheKey{"members", imageID, version}
	list, err := cachedRead(ctx, c.reads, key, func(ctx context.Context) (*memberList, error) {
		members, err := read(ctx, func(ctx context.Context) ([]Member, error) { return api.listMembers(ctx, imageID) })
		if err != nil {
			return nil, err
		}
		return &memberList{members: members, byID: indexOf(members, func(m Member) string { return m.MemberID })}, nil
	})
	if err != nil {
		return nil, c.explainRefusal(ctx, api, version, imageID, err)
	}
	return list, nil
}

// change makes a change that is harmless to make twice, so a lost answer is simply retried: a
// refusal is explained, and a failure after a lost answer is an *OutcomeUnknownError.
func change(ctx context.Context, c *Client, imageID string, call func(context.Context, memberAPI) error) error {
	_, err := onAPI(ctx, c, func(ctx context.Context, api memberAPI, version string) (struct{}, error) {
		ctx, t := track(ctx)
		return struct{}{}, t.unknownOutcome(c.explainRefusal(ctx, api, version, imageID, call(ctx, api)))
	})
	return err
}

// seg is an ID as one segment of a URL path: escaped, so that a member ID such as
// "victim?x=1" names exactly itself and never another member (gophercloud joins path
// segments as they are). The provider refuses IDs that are "." or ".." at plan time, since a
// proxy may resolve those.
func seg(id string) string { return url.PathEscape(id) }

// MemberStatuses are the answers a member project can give, in the order we list them.
var MemberStatuses = []string{"pending", "accepted", "rejected"}
