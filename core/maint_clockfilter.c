/*
 * maint_clockfilter.c: the filter of a worker's TIME samples
 * (maint_clockfilter.h).  A sample says Redis's time was t somewhere
 * within the round trip; taken as its middle, its error is at most half
 * the round trip, whatever way the delay was split.  So the sample with
 * the lowest round trip is the best, and a reply delayed on its way (a
 * busy Redis, a queue, a retransmission) is worse however recent: one
 * slower than twice the best recent round trip plus 1 ms is rejected
 * while a good sample is recent.  Samples age out after 64 s, so that a
 * lasting change of route is followed; an estimate's bound grows with its
 * sample's age by the drift the two clocks may have (50 ppm).
 */

#include "maint_clockfilter.h"


/* the recent sample with the lowest round trip (the newest on a tie) */

static const maint_clock_sample_t *
maint_clockfilter_best(const maint_clockfilter_t *f, int64_t now)
{
    unsigned                     i;
    const maint_clock_sample_t  *s, *best;

    best = NULL;

    for (i = 0; i < f->n; i++) {
        s = &f->samples[i];

        if (now - s->at > MAINT_CLOCK_MAX_AGE) {
            continue;
        }

        if (best == NULL || s->rtt < best->rtt
            || (s->rtt == best->rtt && s->at > best->at))
        {
            best = s;
        }
    }

    return best;
}


/* the newest sample, aged or not: the estimate when none is recent */

static const maint_clock_sample_t *
maint_clockfilter_newest(const maint_clockfilter_t *f)
{
    if (f->n == 0) {
        return NULL;
    }

    return &f->samples[(f->next + MAINT_CLOCK_SAMPLES - 1)
                       % MAINT_CLOCK_SAMPLES];
}


int
maint_clockfilter_add(maint_clockfilter_t *f, int64_t sent, int64_t received,
    int64_t redis)
{
    int64_t                      rtt;
    maint_clock_sample_t        *s;
    const maint_clock_sample_t  *best;

    rtt = received - sent;

    if (rtt < 0 || redis <= 0) {
        f->rejected++;
        return 0;
    }

    best = maint_clockfilter_best(f, received);

    if (best != NULL && rtt > 2 * best->rtt + MAINT_CLOCK_SLACK) {
        f->rejected++;
        return 0;
    }

    s = &f->samples[f->next];
    s->rtt = rtt;
    s->at = received;
    s->offset = redis - (sent + rtt / 2);

    f->next = (f->next + 1) % MAINT_CLOCK_SAMPLES;

    if (f->n < MAINT_CLOCK_SAMPLES) {
        f->n++;
    }

    f->accepted++;

    return 1;
}


int64_t
maint_clockfilter_bound(int64_t rtt, int64_t age)
{
    if (age < 0) {
        age = 0;
    }

    return (rtt + 1) / 2 + age / (1000000 / MAINT_CLOCK_DRIFT_PPM);
}


const maint_clock_sample_t *
maint_clockfilter_chosen(const maint_clockfilter_t *f, int64_t now)
{
    const maint_clock_sample_t  *s;

    s = maint_clockfilter_best(f, now);

    return s ? s : maint_clockfilter_newest(f);
}


int
maint_clockfilter_estimate(const maint_clockfilter_t *f, int64_t now,
    int64_t *offset, int64_t *bound)
{
    const maint_clock_sample_t  *s;

    s = maint_clockfilter_chosen(f, now);

    if (s == NULL) {
        return -1;
    }

    *offset = s->offset;
    *bound = maint_clockfilter_bound(s->rtt, now - s->at);

    return 0;
}
