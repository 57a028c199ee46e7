// Which change requests are one's own: a request names its proposer by user
// id, and the session answer carries the signed-in user's id.

// true: proposed by `user`; false: by someone else; null: the id is unknown.
export function isOwnRequest(request, user) {
  if (!request || !user || !Number.isInteger(user.id)) return null;
  return request.proposed_by === user.id;
}
