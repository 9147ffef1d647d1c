# vcsim adapter for lme4 (protocol 1; see lib/external/adapter_protocol.ts).
#
#   Rscript lme4_adapter.R            serve: one JSON request per stdin line,
#                                     one JSON reply per stdout line
#   Rscript lme4_adapter.R --check    load lme4 and jsonlite, print their
#                                     versions, exit 0 (else exit 1)
#
# Each request is fitted with lmer(y ~ 0 + x1 + ... + (1 | f1) + ..., REML =
# criterion == "REML") under lmerControl() defaults (settings "optimizer" and
# "optCtrl", when given, go to lmerControl: e.g. {"optimizer": "bobyqa",
# "optCtrl": {"rhoend": 1e-10}} for a tighter optimum). The reply has VarCorr's variances, the
# residual variance, fixef with the SEs of vcov, converged (optimizer code 0
# and no lme4 "failed to converge" message), isSingular, every warning and
# message of the fit, and the optimizer's evaluation count. An error in one
# request is replied as {"ok": false, "error": ...}; stray console output goes
# to stderr, so stdout carries replies only. End of stdin ends the adapter
# (R notices it between requests: a fit in progress finishes first).
# Needs the R packages lme4 and jsonlite (Debian: r-cran-lme4 r-cran-jsonlite).

args <- commandArgs(trailingOnly = TRUE)

if ("--check" %in% args) {
  ok <- suppressPackageStartupMessages(
    requireNamespace("lme4", quietly = TRUE) && requireNamespace("jsonlite", quietly = TRUE)
  )
  if (!ok) {
    missing <- Filter(function(p) !requireNamespace(p, quietly = TRUE), c("lme4", "jsonlite"))
    cat("R package", paste(missing, collapse = " and "), "is not installed\n", file = stderr())
    quit(save = "no", status = 1)
  }
  cat("lme4", as.character(packageVersion("lme4")), "jsonlite",
      as.character(packageVersion("jsonlite")), R.version.string, "\n")
  quit(save = "no", status = 0)
}

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

# The model of a request: its data frame and formula.
request_model <- function(req) {
  d <- data.frame(y = as.numeric(req$y))
  for (x in req$fixed) d[[x$name]] <- as.numeric(x$values)
  for (f in req$random) {
    d[[f$name]] <- factor(as.integer(f$codes), levels = seq_len(f$levels) - 1L)
  }
  xs <- vapply(req$fixed, function(x) x$name, "")
  fs <- vapply(req$random, function(f) paste0("(1 | ", f$name, ")"), "")
  list(data = d, formula = as.formula(paste("y ~", paste(c("0", xs, fs), collapse = " + "))))
}

# Fits a request; returns the reply (a list).
fit_request <- function(req) {
  m <- request_model(req)
  s <- req$settings
  control <- do.call(lmerControl, c(
    if (is.null(s$optimizer)) list() else list(optimizer = s$optimizer),
    if (is.null(s$optCtrl)) list() else list(optCtrl = s$optCtrl)
  ))
  notes <- character(0)
  fit <- withCallingHandlers(
    lmer(m$formula, data = m$data, REML = identical(req$criterion, "REML"), control = control),
    warning = function(w) {
      notes <<- c(notes, conditionMessage(w))
      invokeRestart("muffleWarning")
    },
    message = function(e) {
      notes <<- c(notes, trimws(conditionMessage(e)))
      invokeRestart("muffleMessage")
    }
  )
  vc <- as.data.frame(VarCorr(fit))
  variances <- setNames(as.list(vc$vcov), vc$grp)
  beta <- fixef(fit)
  se <- sqrt(diag(as.matrix(vcov(fit))))
  fixed <- lapply(seq_along(beta), function(j) list(estimate = unname(beta[j]), se = unname(se[j])))
  names(fixed) <- names(beta)
  conv <- fit@optinfo$conv
  lme4_notes <- c(unlist(conv$lme4$messages), unlist(fit@optinfo$warnings))
  notes <- unique(c(notes, lme4_notes))
  converged <- identical(as.integer(conv$opt), 0L) && !any(grepl("failed to converge", notes))
  list(
    ok = TRUE,
    variances = variances,
    fixed = fixed,
    converged = converged,
    singular = isSingular(fit),
    messages = I(notes),
    evaluations = as.numeric(fit@optinfo$feval)
  )
}

reply_line <- function(reply) {
  as.character(toJSON(reply, auto_unbox = TRUE, digits = NA, na = "null", null = "null"))
}

# One request line to one reply line; never stops the loop.
answer <- function(line) {
  id <- NULL
  reply <- tryCatch({
    req <- fromJSON(line, simplifyVector = TRUE, simplifyDataFrame = FALSE,
                    simplifyMatrix = FALSE)
    id <- req$id
    noise <- utils::capture.output(r <- fit_request(req))
    if (length(noise) > 0) cat(noise, sep = "\n", file = stderr())
    r
  }, error = function(e) list(ok = FALSE, error = conditionMessage(e)))
  reply_line(c(list(id = id), reply))
}

input <- file("stdin", open = "r")
repeat {
  line <- readLines(input, n = 1L, warn = FALSE)
  if (length(line) == 0L) break
  if (!nzchar(trimws(line))) next
  reply <- answer(line)
  # Nobody reads the replies any more (the worker is gone): end quietly.
  sent <- tryCatch({
    cat(reply, "\n", sep = "", file = stdout())
    flush(stdout())
    TRUE
  }, error = function(e) FALSE)
  if (!sent) break
}
quit(save = "no", status = 0)
