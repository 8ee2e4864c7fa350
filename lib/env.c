/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The environment a spec builds, in time linear in its size: a builder
 * sets and removes variables one by one (portage passes a dict of
 * thousands), and the helper refuses a name given twice, so each change
 * must find the name's earlier entry at once. Names are found through an
 * open-addressing hash; an entry that a later one replaces leaves a hole
 * in its list (the order of the others stays), and the holes are swept
 * out once they outnumber the entries. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libspawnhelper.h"

static size_t name_len(const char *entry)
{
	return strcspn(entry, "=");
}

static uint64_t name_hash(const char *name, size_t len)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	return h;
}

/* The slot of name, or the empty one where it would go. */
static struct env_slot *find_slot(struct env_slot *slots, size_t n_slots,
				  const char *name, size_t len)
{
	size_t i = name_hash(name, len) & (n_slots - 1);

	for (;; i = (i + 1) & (n_slots - 1)) {
		const char *key = slots[i].key;

		if (!key ||
		    (name_len(key) == len && memcmp(key, name, len) == 0))
			return &slots[i];
	}
}

/* Room for one more name: the table is at most half full. */
static int slots_reserve(struct env *env)
{
	size_t n = env->n_slots ? env->n_slots * 2 : 64;
	struct env_slot *slots;

	if ((env->used + 1) * 2 <= env->n_slots)
		return 0;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < env->n_slots; i++) {
		const char *key = env->slots[i].key;

		if (key)
			*find_slot(slots, n, key, name_len(key)) =
				env->slots[i];
	}
	free(env->slots);
	env->slots = slots;
	env->n_slots = n;
	return 0;
}

static struct strv *list_of(struct env *env, bool unset)
{
	return unset ? &env->unset : &env->set;
}

/* Move each list's entries over its holes, and tell the slots. */
static void sweep(struct env *env)
{
	for (int unset = 0; unset < 2; unset++) {
		struct strv *l = list_of(env, unset);
		size_t kept = 0;

		for (size_t i = 0; i < l->n; i++) {
			if (!l->v[i])
				continue;
			find_slot(env->slots, env->n_slots, l->v[i],
				  name_len(l->v[i]))
				->index = kept;
			l->v[kept++] = l->v[i];
		}
		l->n = kept;
		if (l->v)
			l->v[kept] = NULL;
	}
	env->holes = 0;
}

int env_put(struct env *env, char *entry, bool unset)
{
	struct strv *to = list_of(env, unset);
	struct env_slot *slot;

	/* what can fail first, so that a failure changes nothing */
	if (slots_reserve(env) < 0) {
		free(entry);
		return -ENOMEM;
	}
	slot = find_slot(env->slots, env->n_slots, entry, name_len(entry));
	if (strv_push_take(to, entry) < 0)
		return -ENOMEM;
	if (slot->key) {
		/* named before: the last word wins, and goes last */
		struct strv *from = list_of(env, slot->unset);

		free(from->v[slot->index]);
		from->v[slot->index] = NULL;
		env->holes++;
	} else {
		env->used++;
	}
	slot->key = entry;
	slot->unset = unset;
	slot->index = to->n - 1;
	/* amortized: a sweep moves at most twice the entries it frees */
	if (env->holes > 64 &&
	    env->holes > env->set.n + env->unset.n - env->holes)
		sweep(env);
	return 0;
}

void env_clear(struct env *env)
{
	strv_clear(&env->set);
	strv_clear(&env->unset);
	free(env->slots);
	*env = (struct env){ 0 };
}

/* The entries of l without its holes, borrowed, as a strv for the
 * option table's emitter. */
static int list_view(const struct strv *l, struct strv *view)
{
	*view = (struct strv){ 0 };
	if (!l->n)
		return 0;
	view->v = calloc(l->n + 1, sizeof(char *));
	if (!view->v)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i])
			view->v[view->n++] = l->v[i];
	view->cap = l->n + 1;
	return 0;
}

int env_view(const struct env *env, struct strv *set, struct strv *unset)
{
	if (list_view(&env->set, set) < 0)
		return -ENOMEM;
	if (list_view(&env->unset, unset) < 0) {
		free(set->v);
		return -ENOMEM;
	}
	return 0;
}
