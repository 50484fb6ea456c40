//! The yearly conversation's preparation: guides in versions that never change once published,
//! each participant's answers private until shared with the other party, and a plan drafted
//! from the shared answers.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn this_year() -> i32 {
    chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse()
        .expect("a year")
}

/// MGR-A offers `participants` an interview of `format` this year.
async fn offer(app: &TestApp, format: &str, participants: &[&str]) -> Value {
    let people: Vec<Value> = participants
        .iter()
        .map(|p| json!({"employee_id": p, "status": "offered"}))
        .collect();
    app.expect(
        app.post(
            "/api/v1/development-interviews",
            &Who::Manager.token(),
            &json!({"year": this_year(), "format": format, "participants": people}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn sharing(app: &TestApp, interview: &str, token: &str, method: Method) -> StatusCode {
    app.send(
        method,
        &format!("/api/v1/development-interviews/{interview}/preparation/mine/share"),
        Some(token),
        None,
    )
    .await
    .status()
}

async fn read(app: &TestApp, preparation: &Value, token: &str) -> StatusCode {
    app.get(
        &format!(
            "/api/v1/preparations/{}",
            preparation["id"].as_str().unwrap()
        ),
        token,
    )
    .await
    .status()
}

#[tokio::test]
async fn each_party_prepares_privately_and_the_other_party_reads_only_what_was_shared() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.published_guide("Forberedelse til MUS", "individual")
        .await;
    let interview = offer(&app, "individual", &[&org.emp_a1]).await;
    assert!(interview["guide_version_id"].is_string(), "{interview}");
    let id = interview["id"].as_str().unwrap();
    let (employee, manager) = (Who::Employee.token(), Who::Manager.token());

    let theirs = app
        .prepare(
            id,
            &employee,
            json!([
                {"question": "maal", "text": "Blive tryg i det nye journalsystem"},
                {"question": "trivsel", "scale": 4},
                {"question": "kursus", "choice": "ja"},
            ]),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(theirs["side"], "employee");
    assert!(theirs["shared_at"].is_null());
    let mine = app
        .prepare(
            id,
            &manager,
            json!([{"question": "maal", "text": "Tage ansvar for dokumentationen i teamet"}]),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(mine["side"], "manager");

    // Private: the other party is told exactly what anyone is told of an absent one.
    assert_eq!(read(&app, &theirs, &manager).await, StatusCode::NOT_FOUND);
    assert_eq!(read(&app, &mine, &employee).await, StatusCode::NOT_FOUND);
    let sheet = app
        .expect(
            app.get(
                &format!("/api/v1/development-interviews/{id}/preparation"),
                &manager,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(sheet["shared_with_me"], json!([]));
    assert_eq!(sheet["mine"]["id"], mine["id"]);
    assert_eq!(sheet["guide"]["questions"][0]["key"], "maal");

    // Shared, the manager reads it; the representative, a committee member and HR never do.
    assert_eq!(
        sharing(&app, id, &employee, Method::POST).await,
        StatusCode::OK
    );
    assert_eq!(read(&app, &theirs, &manager).await, StatusCode::OK);
    for who in [Who::Representative, Who::Committee, Who::Hr] {
        assert_eq!(
            read(&app, &theirs, &who.token()).await,
            StatusCode::FORBIDDEN,
            "{who:?}"
        );
    }
    // Neither do a manager of another unit, nor their own colleague with an employee token.
    for other in [
        token("MGR-B", &["employee", "manager"]),
        token("MEM-A", &["employee"]),
    ] {
        assert_eq!(read(&app, &theirs, &other).await, StatusCode::NOT_FOUND);
    }
    let sheet = app
        .expect(
            app.get(
                &format!("/api/v1/development-interviews/{id}/preparation"),
                &manager,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(sheet["shared_with_me"][0]["answers"][1]["scale"], 4);

    // Withdrawn, it is private again; the manager's own is the employee's to read once shared.
    assert_eq!(
        sharing(&app, id, &employee, Method::DELETE).await,
        StatusCode::OK
    );
    assert_eq!(read(&app, &theirs, &manager).await, StatusCode::NOT_FOUND);
    assert_eq!(
        sharing(&app, id, &manager, Method::POST).await,
        StatusCode::OK
    );
    assert_eq!(read(&app, &mine, &employee).await, StatusCode::OK);

    // A plan drafted from the interview proposes the shared goal-seeding answers as goals:
    // the manager's, and the employee's once shared again; never the scale or the choice.
    assert_eq!(
        sharing(&app, id, &employee, Method::POST).await,
        StatusCode::OK
    );
    let plan = app
        .expect(
            app.post(
                "/api/v1/plans",
                &manager,
                &json!({"employee_id": org.emp_a1, "title": "Udviklingsplan", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "development_interview_id": id}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let mut goals: Vec<(&str, &str)> = plan["content"]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["description"].as_str().unwrap(),
                g["competence_kind"].as_str().unwrap(),
            )
        })
        .collect();
    goals.sort();
    assert_eq!(
        goals,
        [
            ("Blive tryg i det nye journalsystem", "professional"),
            ("Tage ansvar for dokumentationen i teamet", "professional"),
        ]
    );
    // An interview the manager holds no part in is named as unknown.
    let elsewhere = app
        .post(
            "/api/v1/plans",
            &token("MGR-B", &["employee", "manager"]),
            &json!({"employee_id": org.emp_b, "title": "Plan", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "development_interview_id": id}),
        )
        .await;
    let problem = assert_problem(
        elsewhere,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unknown_interview");

    // Once held, the answers and the sharing stay as they were brought to it.
    app.expect(
        app.patch(
            &format!("/api/v1/development-interviews/{id}"),
            &manager,
            &json!({"held_on": format!("{}-01-15", this_year())}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_problem(
        app.send(
            Method::DELETE,
            &format!("/api/v1/development-interviews/{id}/preparation/mine/share"),
            Some(&employee),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "interview_held",
    )
    .await;
    assert_problem(
        app.send(
            Method::PUT,
            &format!("/api/v1/development-interviews/{id}/preparation/mine"),
            Some(&employee),
            Some(&json!({"answers": []})),
        )
        .await,
        StatusCode::CONFLICT,
        "interview_held",
    )
    .await;
    assert_eq!(read(&app, &theirs, &manager).await, StatusCode::OK);
}

#[tokio::test]
async fn in_a_group_interview_no_member_reads_another_members_answers() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.published_guide("Forberedelse til GRUS", "group").await;
    let interview = offer(&app, "group", &[&org.emp_a1, &org.mem_a]).await;
    let id = interview["id"].as_str().unwrap();
    let (bo, mads) = (Who::Employee.token(), token("MEM-A", &["employee"]));
    let mut written = Vec::new();
    for who in [&bo, &mads] {
        let p = app
            .prepare(
                id,
                who,
                json!([{"question": "trivsel", "scale": 2}]),
                StatusCode::CREATED,
            )
            .await;
        assert_eq!(sharing(&app, id, who, Method::POST).await, StatusCode::OK);
        written.push(p);
    }
    assert_eq!(read(&app, &written[0], &mads).await, StatusCode::NOT_FOUND);
    assert_eq!(read(&app, &written[1], &bo).await, StatusCode::NOT_FOUND);
    for p in &written {
        assert_eq!(read(&app, p, &Who::Manager.token()).await, StatusCode::OK);
    }
    let sheet = app
        .expect(
            app.get(
                &format!("/api/v1/development-interviews/{id}/preparation"),
                &mads,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(sheet["shared_with_me"], json!([]), "{sheet}");
    assert_eq!(sheet["guide"]["number"], 1);
}

#[tokio::test]
async fn answers_are_checked_against_the_interviews_guide_with_every_problem_named() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let employee = Who::Employee.token();
    // Offered before any guide was published: there is nothing to prepare.
    let bare = offer(&app, "individual", &[&org.emp_a1]).await;
    assert!(bare["guide_version_id"].is_null());
    assert_problem(
        app.send(
            Method::PUT,
            &format!(
                "/api/v1/development-interviews/{}/preparation/mine",
                bare["id"].as_str().unwrap()
            ),
            Some(&employee),
            Some(&json!({"answers": []})),
        )
        .await,
        StatusCode::CONFLICT,
        "no_preparation_guide",
    )
    .await;
    app.published_guide("Forberedelse til MUS", "individual")
        .await;
    let interview = offer(&app, "individual", &[&org.emp_a1]).await;
    let response = app
        .send(
            Method::PUT,
            &format!(
                "/api/v1/development-interviews/{}/preparation/mine",
                interview["id"].as_str().unwrap()
            ),
            Some(&employee),
            Some(&json!({"answers": [
                {"question": "findes_ikke", "text": "x"},
                {"question": "trivsel", "scale": 5},
                {"question": "trivsel", "scale": 1},
                {"question": "kursus", "choice": "maaske"},
                {"question": "maal", "scale": 3},
            ]})),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let named: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("answers[0].question", "unknown_question"),
        ("answers[2].question", "duplicate"),
        ("answers[3].choice", "unknown_option"),
        ("answers[4].scale", "wrong_kind"),
        ("answers[4].text", "wrong_kind"),
    ];
    assert_eq!(
        named,
        expected.map(|(f, c)| (f.to_owned(), c.to_owned())),
        "{problem}"
    );
    // A scale outside 1–5 breaks the documented shape: the contract names it first.
    let problem = assert_problem(
        app.send(
            Method::PUT,
            &format!(
                "/api/v1/development-interviews/{}/preparation/mine",
                interview["id"].as_str().unwrap()
            ),
            Some(&employee),
            Some(&json!({"answers": [{"question": "trivsel", "scale": 9}]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
}

#[tokio::test]
async fn a_published_guide_version_never_changes_and_an_interview_keeps_the_version_it_was_offered_with()
 {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let hr = Who::Hr.token();
    let guide = app
        .expect(
            app.post(
                "/api/v1/preparation-guides",
                &hr,
                &json!({"name": "MUS", "format": "individual", "questions": guide_questions()}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let gid = guide["id"].as_str().unwrap();
    let version = |n: u32| format!("/api/v1/preparation-guides/{gid}/versions/{n}");
    let put = |n: u32, questions: Value| {
        let app = &app;
        let hr = hr.clone();
        async move {
            app.send(
                Method::PUT,
                &version(n),
                Some(&hr),
                Some(&json!({ "questions": questions })),
            )
            .await
        }
    };
    // A draft is written as often as wanted; a draft offers nothing to an interview.
    let one_question = json!([{"key": "trivsel", "text_da": "Trives du?", "kind": "scale"}]);
    app.expect(put(1, one_question.clone()).await, StatusCode::OK)
        .await;
    assert!(offer(&app, "individual", &[&org.emp_a1]).await["guide_version_id"].is_null());
    let v1 = app
        .expect(
            app.post(&format!("{}/publish", version(1)), &hr, &json!(null))
                .await,
            StatusCode::OK,
        )
        .await;
    assert!(v1["published_at"].is_string());
    let first = offer(&app, "individual", &[&org.emp_a1]).await;
    assert_eq!(first["guide_version_id"], v1["id"]);

    // Published, it never changes; versions are written in order.
    assert_problem(
        put(1, guide_questions()).await,
        StatusCode::CONFLICT,
        "guide_version_published",
    )
    .await;
    assert_problem(
        put(3, guide_questions()).await,
        StatusCode::CONFLICT,
        "guide_version_not_next",
    )
    .await;
    let v2 = app
        .expect(put(2, guide_questions()).await, StatusCode::CREATED)
        .await;
    assert_eq!(v2["published_at"], Value::Null);
    app.expect(
        app.post(&format!("{}/publish", version(2)), &hr, &json!(null))
            .await,
        StatusCode::OK,
    )
    .await;
    let second = offer(&app, "individual", &[&org.emp_a1]).await;
    assert_eq!(second["guide_version_id"], v2["id"]);
    // The first interview keeps version 1, and its sheet shows version 1's one question.
    let again = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/development-interviews/{}",
                    first["id"].as_str().unwrap()
                ),
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(again["guide_version_id"], v1["id"]);
    let sheet = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/development-interviews/{}/preparation",
                    first["id"].as_str().unwrap()
                ),
                &Who::Employee.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        sheet["guide"]["questions"],
        json!([{"key": "trivsel", "text_da": "Trives du?", "text_en": null, "kind": "scale", "options": [], "seeds_goals": null}])
    );
    let listed = app
        .expect(
            app.get(
                &format!("/api/v1/preparation-guides/{gid}"),
                &Who::Employee.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(listed["versions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_main_committee_publishes_guides_for_its_part_and_only_its_members_write_them() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let (main_member, local_member) = (
        token("MGR-B", &["committee"]),
        token("MEM-A", &["committee"]),
    );
    let body = |committee: &str| json!({"name": "Hoved-MED's MUS-skema", "format": "individual", "committee_id": committee, "questions": guide_questions()});
    let guide = app
        .expect(
            app.post("/api/v1/preparation-guides", &main_member, &body(&org.hmu))
                .await,
            StatusCode::CREATED,
        )
        .await;
    let v1 = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/preparation-guides/{}/versions/1",
                    guide["id"].as_str().unwrap()
                ),
                &main_member,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    // Its audience is the committee's part of the organisation.
    assert_eq!(v1["audience"]["unit_ids"], json!([org.k]));
    let refused = assert_problem(
        app.post(
            "/api/v1/preparation-guides",
            &local_member,
            &body(&org.med_a),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&refused), ["committee_id"]);
    assert_problem(
        app.send(
            Method::PUT,
            &format!(
                "/api/v1/preparation-guides/{}/versions/1",
                guide["id"].as_str().unwrap()
            ),
            Some(&local_member),
            Some(&json!({"questions": guide_questions()})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    app.expect(
        app.send(
            Method::PUT,
            &format!(
                "/api/v1/preparation-guides/{}/versions/1",
                guide["id"].as_str().unwrap()
            ),
            Some(&main_member),
            Some(&json!({"questions": guide_questions()})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}
