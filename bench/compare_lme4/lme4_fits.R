# The lme4 side of bench/compare_lme4/compare.ts (which writes the data and runs this script).
# Usage: Rscript bench/compare_lme4/lme4_fits.R <cases.json> <out.json>
#        Rscript bench/compare_lme4/lme4_fits.R --deviance <requests.json> <out.json>
#        Rscript bench/compare_lme4/lme4_fits.R --check   (exit 0 when lme4 and jsonlite load)
# cases.json: [{ "design", "rep", "csv", "formula" }, ...]. Every case is read before any timing
# (see read_case); then per case, timed with proc.time() (elapsed):
#   lmer(formula, REML = TRUE), lmer(formula, REML = FALSE) with lmerControl() defaults,
#   confint(m_reml) (method "profile": lme4 refits by ML and profiles the ML deviance; SD scale)
#   and confint(m_reml, method = "Wald") (fixed effects; NA for the variance parameters).
# The smallest case is fitted once first, untimed (loading and byte-compiling lme4's code).
# A system.time() of the whole timed loop is reported as total_s. After it, untimed, each case
# is refitted with a tight optimizer (bobyqa, rhoend 1e-10) for the agreement check: the
# default nloptwrap stops up to ~1e-4 short of the optimum in these designs.
# --deviance: for each request { csv, formula, row, index, values }, the rise of lme4's profiled
# ML deviance over its minimum at each value of the parameter `row` of confint() (SD scale for
# variance parameters, through lme4:::devfun2 minimised over the other SDs; fixed effects by
# refitting with an offset), to judge a profile limit: on the 95% cutoff the rise is 3.841459.
args <- commandArgs(trailingOnly = TRUE)
ok <- suppressWarnings(suppressMessages(
  requireNamespace("lme4", quietly = TRUE) && requireNamespace("jsonlite", quietly = TRUE)))
if (length(args) >= 1 && args[1] == "--check") quit(status = if (ok) 0 else 1)
if (!ok) stop("lme4 and jsonlite are needed")
suppressMessages(library(lme4))

# The grouping columns from the CSV, y as the raw doubles the driver wrote to <csv>.y.bin:
# read.csv's decimal parser is not correctly rounded, so text would move some y by an ulp.
read_case <- function(csv) {
  d <- read.csv(csv)
  for (g in intersect(c("group1", "group2"), names(d))) d[[g]] <- factor(d[[g]])
  d$y <- readBin(paste0(csv, ".y.bin"), "double", n = nrow(d), endian = "little")
  d
}
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-10, maxfun = 1e5),
                     check.conv.singular = "ignore")
quiet <- function(expr) suppressWarnings(suppressMessages(expr))
write_json <- function(x, path) {
  writeLines(jsonlite::toJSON(x, auto_unbox = TRUE, digits = NA, null = "null", na = "null"), path)
}

if (args[1] == "--deviance") {
  requests <- jsonlite::fromJSON(args[2], simplifyDataFrame = FALSE)
  rises <- lapply(requests, function(q) {
    d <- read_case(q$csv)
    f <- as.formula(q$formula)
    m <- quiet(lmer(f, data = d, REML = FALSE, control = tight))
    d0 <- deviance(m)
    if (startsWith(q$row, "sd_") || q$row == "sigma") {
      dev <- lme4:::devfun2(m, useSc = TRUE, signames = FALSE)
      at <- c(as.data.frame(VarCorr(m))$sdcor)
      i <- q$index # 1-based position among the SD parameters (confint's row order)
      vapply(unlist(q$values), function(v) {
        g <- function(p) {
          x <- at
          x[i] <- v
          x[-i] <- abs(p)
          dev(x)
        }
        start <- at[-i]
        if (length(start) == 1) {
          best <- optimize(function(p) g(p), c(0, 10 * max(at) + 1), tol = 1e-12)$objective
        } else {
          a <- optim(start, g, method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 1e4))
          b <- optim(a$par, g, method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 1e4))
          best <- b$value
        }
        best - d0
      }, 0)
    } else {
      X <- getME(m, "X")
      rhs <- paste(vapply(findbars(f), function(b) paste0("(", deparse(b), ")"), ""), collapse = " + ")
      others <- setdiff(colnames(X), q$row)
      g <- as.formula(paste("y ~ 0 + offset(.off)",
                            if (length(others)) paste("+", paste(others, collapse = "+")), "+", rhs))
      vapply(unlist(q$values), function(v) {
        d$.off <- X[, q$row] * v
        min(vapply(c(0.01, 0.3, 1, 3), function(s) {
          deviance(quiet(lmer(g, data = d, REML = FALSE, control = tight,
                              start = list(theta = rep(s, length(getME(m, "theta")))))))
        }, 0)) - d0
      }, 0)
    }
  })
  write_json(rises, args[3])
  quit(status = 0)
}

cases <- jsonlite::fromJSON(args[1], simplifyDataFrame = FALSE)
data <- lapply(cases, function(k) read_case(k$csv))
# For the driver: the y that lme4 fits, and y as read.csv parses the CSV's decimals.
for (i in seq_along(cases)) {
  csv <- cases[[i]]$csv
  writeBin(data[[i]]$y, paste0(csv, ".y.used.bin"), endian = "little")
  writeBin(read.csv(csv)$y, paste0(csv, ".y.csv.bin"), endian = "little")
}

vc <- function(m) {
  v <- as.data.frame(VarCorr(m))
  setNames(as.list(v$vcov), ifelse(is.na(v$var1), "Residual", v$grp))
}
limits <- function(x) if (is.null(x)) NULL else
  list(rows = I(rownames(x)), lower = I(unname(x[, 1])), upper = I(unname(x[, 2])))

fit_one <- function(k, d) {
  f <- as.formula(k$formula)
  warns <- character(0)
  muffle <- function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  }
  t0 <- proc.time()[["elapsed"]]
  m_reml <- withCallingHandlers(suppressMessages(lmer(f, data = d, REML = TRUE)), warning = muffle)
  t1 <- proc.time()[["elapsed"]]
  m_ml <- withCallingHandlers(suppressMessages(lmer(f, data = d, REML = FALSE)), warning = muffle)
  t2 <- proc.time()[["elapsed"]]
  prof <- tryCatch(
    withCallingHandlers(suppressMessages(confint(m_reml, oldNames = FALSE)), warning = muffle),
    error = function(e) {
      warns <<- c(warns, paste("confint:", conditionMessage(e)))
      NULL
    })
  t3 <- proc.time()[["elapsed"]]
  wald <- confint(m_reml, method = "Wald", oldNames = FALSE)
  t4 <- proc.time()[["elapsed"]]
  list(
    design = k$design, rep = k$rep, rows = nrow(d),
    ms = list(reml = 1000 * (t1 - t0), ml = 1000 * (t2 - t1), profile = 1000 * (t3 - t2),
              wald = 1000 * (t4 - t3)),
    reml = vc(m_reml), ml = vc(m_ml),
    reml_singular = isSingular(m_reml), ml_singular = isSingular(m_ml),
    profile = limits(prof), wald = limits(wald),
    warnings = I(unique(warns))
  )
}

smallest <- which.min(vapply(data, nrow, 0L))
invisible(fit_one(cases[[smallest]], data[[smallest]])) # warm-up, untimed
results <- NULL
total <- system.time(results <- lapply(seq_along(cases), function(i) fit_one(cases[[i]], data[[i]])))
# Untimed: the optimum to tight tolerance, for the agreement check.
for (i in seq_along(cases)) {
  f <- as.formula(cases[[i]]$formula)
  m_reml <- quiet(lmer(f, data = data[[i]], REML = TRUE, control = tight))
  m_ml <- quiet(lmer(f, data = data[[i]], REML = FALSE, control = tight))
  results[[i]]$tight <- list(reml = vc(m_reml), ml = vc(m_ml),
                             wald = limits(confint(m_reml, method = "Wald", oldNames = FALSE)))
}
write_json(list(
  versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                  lme4 = as.character(packageVersion("lme4")),
                  Matrix = as.character(packageVersion("Matrix"))),
  optimizer = paste(lmerControl()$optimizer, collapse = ","),
  total_s = list(elapsed = unname(total[["elapsed"]]),
                 user = unname(total[["user.self"]]), sys = unname(total[["sys.self"]])),
  results = results
), args[2])
