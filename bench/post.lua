-- wrk script: POST the comment form given in the environment. The form carries no token (it sits
-- on a public page); wrk sends neither Origin nor Sec-Fetch-Site, as any non-browser client.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = os.getenv("BENCH_BODY")
