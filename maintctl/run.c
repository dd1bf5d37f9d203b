/*
 * run.c: run, the pipeline one-liner.  It opens a window that starts now,
 * runs a command inside it and completes the window with the command's
 * outcome: "completed" on exit status 0, "failed" otherwise.  maintctl's
 * own messages go to stderr: stdout belongs to the command.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "maint_core.h"
#include "maint_time.h"
#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "commands.h"
#include "output.h"
#include "usage.h"
#include "window.h"


#define R_APP      1
#define R_FOR      2
#define R_TITLE    3
#define R_MESSAGE  4
#define R_MODE     5

static const ctl_opt_t  ctl_run_opts[] = {
    { "app",     1, R_APP, NULL },
    { "for",     1, R_FOR, NULL },
    { "title",   1, R_TITLE, NULL },
    { "message", 1, R_MESSAGE, NULL },
    { "mode",    1, R_MODE, NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_run_modes[] = { "full", "read_only", NULL };

static volatile sig_atomic_t  ctl_child;


/*
 * SIGINT and SIGTERM are passed on to the command, and maintctl waits for
 * it to end so that the window is completed (as failed) either way.  A
 * signal from the terminal (Ctrl-C) already went to the whole foreground
 * process group, the command included: passing it on would deliver it
 * twice, and some programs take a second Ctrl-C as "abort at once".
 */

static void
ctl_forward(int signo, siginfo_t *si, void *ctx)
{
#ifdef SI_KERNEL
    if (si != NULL && si->si_code == SI_KERNEL) {
        return;
    }
#endif

    if (ctl_child > 0) {
        kill((pid_t) ctl_child, signo);
    }
}


/*
 * Runs argv, returns its wait status; *exec_errno is set when it could not
 * be started at all (a close-on-exec pipe tells the parent so).
 */

static int
ctl_spawn(char **argv, int *exec_errno)
{
    int               fds[2], err, status, i;
    pid_t             pid;
    ssize_t           n;
    sigset_t          block, old;
    struct sigaction  sa, saved[2];
    static const int  sigs[2] = { SIGINT, SIGTERM };

    *exec_errno = 0;

    if (pipe(fds) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        *exec_errno = errno;
        return -1;
    }

    /* no signal may slip in between fork() and noting the child's pid */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = ctl_forward;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);

    for (i = 0; i < 2; i++) {
        sigaction(sigs[i], NULL, &saved[i]);

        /* a signal maintctl was started ignoring stays ignored */
        if (saved[i].sa_handler != SIG_IGN) {
            sigaction(sigs[i], &sa, NULL);
        }
    }

    fflush(NULL);
    pid = fork();

    if (pid == 0) {
        close(fds[0]);

        for (i = 0; i < 2; i++) {
            sigaction(sigs[i], &saved[i], NULL);
        }

        sigprocmask(SIG_SETMASK, &old, NULL);
        execvp(argv[0], argv);

        err = errno;
        n = write(fds[1], &err, sizeof(err));
        (void) n;
        _exit(err == ENOENT ? 127 : 126);
    }

    if (pid < 0) {
        *exec_errno = errno;
    }

    ctl_child = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);

    status = -1;

    if (pid > 0) {
        do {
            n = read(fds[0], &err, sizeof(err));
        } while (n < 0 && errno == EINTR);

        if (n == (ssize_t) sizeof(err)) {
            *exec_errno = err;
        }

        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            /* void */
        }
    }

    close(fds[0]);
    ctl_child = 0;

    for (i = 0; i < 2; i++) {
        sigaction(sigs[i], &saved[i], NULL);
    }

    return status;
}


/* completes the window with the command's outcome */

static int
ctl_run_complete(const char *id, int failed, const char *notes)
{
    int          rc;
    char        *path, *st;
    json_t      *body;
    ctl_resp_t   cur, r;
    const char  *s;

    rc = ctl_window_get(id, &cur);

    if (rc != CTL_EXIT_OK) {
        ctl_resp_free(&cur);
        return rc;
    }

    /*
     * The window may have ended on its own (its end passed while the
     * command ran) or been ended by someone: it is immutable then, and
     * there is nothing left to complete.
     */
    s = ctl_str(cur.json, "status");

    if (s != NULL && strcmp(s, "scheduled") != 0
        && strcmp(s, "in_progress") != 0)
    {
        st = ctl_clean(s, 0);
        fprintf(stderr, "maintctl: window %s had already ended (%s) when "
                "the command finished; its outcome was not recorded\n",
                id, st);
        free(st);
        ctl_resp_free(&cur);
        return CTL_EXIT_OK;
    }

    body = json_pack("{s:s,s:s}", "outcome", failed ? "failed" : "completed",
                     "notes", notes);
    path = ctl_window_path(id, "complete", 0);
    rc = ctl_request("POST", path, cur.etag, body, &r);
    free(path);
    json_decref(body);

    if (rc == CTL_EXIT_OK) {
        fprintf(stderr, "maintctl: window %s completed as %s\n", id,
                failed ? "failed" : "completed");
    }

    ctl_resp_free(&r);
    ctl_resp_free(&cur);

    return rc;
}


typedef struct {
    json_t       *apps;
    int64_t       duration;
    const char   *title;
    const char   *message;
    const char   *mode;
    char        **cmd;
} ctl_runopts_t;


/* the options up to the command, which starts at "--" or the first word */

static int
ctl_run_options(ctl_args_t *a, ctl_runopts_t *o)
{
    int          id;
    const char  *val;

    o->apps = NULL;
    o->duration = 0;
    o->title = "Deployment";
    o->message = NULL;
    o->mode = NULL;
    o->cmd = NULL;

    while (o->cmd == NULL
           && (id = ctl_next(a, ctl_run_opts, &val)) != CTL_ARG_END)
    {
        switch (id) {

        case R_APP:
            if (ctl_list_arg(a, val, &o->apps, 1) != 0) {
                return CTL_EXIT_USAGE;
            }

            break;

        case R_FOR:
            if (ctl_duration_arg(a, val, &o->duration) != 0) {
                return CTL_EXIT_USAGE;
            }

            break;

        case R_TITLE:
            o->title = val;
            break;

        case R_MESSAGE:
            o->message = val;
            break;

        case R_MODE:
            if (ctl_word_arg(a, val, ctl_run_modes) < 0) {
                return CTL_EXIT_USAGE;
            }

            o->mode = val;
            break;

        case CTL_ARG_REST:
            o->cmd = a->argv + a->i;
            break;

        case CTL_ARG_WORD:
            /* the command's own options are its business, not ours */
            o->cmd = a->argv + a->i - 1;
            break;

        default:
            return CTL_EXIT_USAGE;
        }
    }

    if (o->apps == NULL || o->duration == 0 || o->cmd == NULL
        || o->cmd[0] == NULL)
    {
        return ctl_usage_error(a, "run needs --app, --for and a command "
                               "after --");
    }

    return CTL_EXIT_OK;
}


/* creates the window; *wid is its id, cleaned, to be freed */

static int
ctl_run_open(ctl_runopts_t *o, char **wid)
{
    int          rc;
    char         end[MAINT_RFC3339_LEN + 1], start[MAINT_RFC3339_LEN + 1];
    char         until[32];
    json_t      *body;
    int64_t      now;
    ctl_resp_t   r;
    const char  *s;

    /* ends_at on the Redis clock, as for "window create --start now" */
    rc = ctl_server_now(&now);

    if (rc != CTL_EXIT_OK) {
        fprintf(stderr, "maintctl: no window, so the command was not run\n");
        return rc;
    }

    /* both ends from the same instant, so the window lasts --for exactly */
    maint_format_rfc3339(start, now);
    maint_format_rfc3339(end, now + o->duration);
    body = json_pack("{s:s,s:O,s:s,s:s}", "title", o->title, "apps",
                     o->apps, "starts_at", start, "ends_at", end);

    if (o->mode != NULL) {
        json_object_set_new(body, "mode", json_string(o->mode));
    }

    if (o->message != NULL) {
        json_object_set_new(body, "login_message", json_string(o->message));
    }

    rc = ctl_request("POST", "/v1/windows", NULL, body, &r);
    json_decref(body);

    if (rc != CTL_EXIT_OK) {
        ctl_resp_free(&r);
        fprintf(stderr, "maintctl: no window, so the command was not run\n");
        return rc;
    }

    s = ctl_str(r.json, "id");

    if (s == NULL) {
        ctl_resp_free(&r);
        fprintf(stderr, "maintctl: the created window has no id; the "
                "command was not run\n");
        return CTL_EXIT_UNAVAILABLE;
    }

    *wid = ctl_clean(s, 0);
    fprintf(stderr, "maintctl: window %s until %s\n", *wid,
            ctl_local_time(ctl_str(r.json, "ends_at"), "%Y-%m-%d %H:%M:%S %Z",
                           until, sizeof(until)));
    ctl_resp_free(&r);

    return CTL_EXIT_OK;
}


/* the exit code of the command, from ctl_spawn(); notes say it in words */

static int
ctl_run_outcome(char *cmd, int status, int err, char *notes, size_t size)
{
    int  code;

    if (err != 0) {
        fprintf(stderr, "maintctl: cannot run %s: %s\n", cmd,
                strerror(err));
        snprintf(notes, size, "command could not be run: %s",
                 strerror(err));
        code = err == ENOENT ? 127 : 126;

    } else if (WIFEXITED(status)) {
        code = WEXITSTATUS(status);
        snprintf(notes, size, "command exited with status %d", code);

    } else if (WIFSIGNALED(status)) {
        code = 128 + WTERMSIG(status);
        snprintf(notes, size, "command killed by signal %d",
                 WTERMSIG(status));

    } else {
        code = 126;
        snprintf(notes, size, "command ended with wait status %d", status);
    }

    return code;
}


static int
ctl_run(ctl_args_t *a)
{
    int            rc, status, code, err, failed;
    char          *wid, notes[128];
    ctl_runopts_t  o;

    wid = NULL;
    rc = ctl_run_options(a, &o);

    if (rc == CTL_EXIT_OK) {
        rc = ctl_run_open(&o, &wid);
    }

    json_decref(o.apps);

    if (rc != CTL_EXIT_OK) {
        return rc;
    }

    status = ctl_spawn(o.cmd, &err);
    code = ctl_run_outcome(o.cmd[0], status, err, notes, sizeof(notes));

    failed = code != 0;
    rc = ctl_run_complete(wid, failed, notes);

    if (rc != CTL_EXIT_OK) {
        fprintf(stderr, "maintctl: window %s may still be in progress: "
                "complete it with \"maintctl window complete %s%s\"\n", wid,
                wid, failed ? " --outcome failed" : "");
    }

    free(wid);

    /* the command's failure matters most; else the API's */
    return failed ? code : rc;
}


const ctl_cmd_t  ctl_cmd_run = {
    "run",
    "usage: maintctl run --app APP --for DURATION [--title TEXT] "
    "[--message TEXT]\n"
    "                    [--mode full|read_only] -- COMMAND [ARGS...]\n",
    "\n"
    "Creates a window starting now (enforced from the gateways' next\n"
    "request), runs COMMAND, then completes the window: completed when it\n"
    "exits 0, failed otherwise, with its exit status in the notes.  Exits\n"
    "with COMMAND's status (128+N if killed by signal N); if the window\n"
    "cannot be created the command is not run and the exit code is the\n"
    "API's.  SIGINT and SIGTERM are passed on to COMMAND.\n"
    "\n"
    "Options:\n"
    "  --app APP         an app it covers (repeat, or APP,APP)\n"
    "  --for DURATION    how long the window lasts\n"
    "  --title TEXT      default: Deployment\n"
    "  --message TEXT    the maintenance page's message\n"
    "  --mode MODE       full (default) or read_only\n",
    ctl_run
};
