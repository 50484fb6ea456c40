// A small typed client for devplan, on openapi-fetch and the types openapi-typescript
// generates from openapi/openapi.json (src/schema.d.ts), driving the flow an integrator
// follows: sync the organisation (the payloads of clients/examples), draft a plan with a
// goal and an activity, both parties sign, record the annual follow-up, then read the
// manager's work list, the catalogue and, as a local representative, the status figures.
// It is type-checked by clients/check (`tsc --strict --noEmit`), not run there.
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema";
import * as ex from "./examples";

export type Schemas = components["schemas"];
export type Devplan = Client<paths, "application/json">;

/** A client acting with one bearer token (minted by the identity provider, or `devplan token`). */
export function devplanClient(baseUrl: string, token: string): Devplan {
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });
}

/** The problem+json body devplan answers errors with. */
export type Problem = Schemas["Problem"];

export class DevplanError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(problem)}`);
  }
}

/** The body of a successful answer, or a DevplanError with the problem. */
function ok<T>(what: string, r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined || !r.response.ok) {
    throw new DevplanError(what, r.response.status, r.error);
  }
  return r.data;
}

export interface Tokens {
  /** An integration client's token (a service subject with the `hr` role). */
  hr: string;
  /** The employee E-1042 (`employee`). */
  employee: string;
  /** Their manager E-010 (`employee,manager`). */
  manager: string;
  /** The local representative E-1043 (`employee,local_representative`). */
  representative: string;
}

export interface FlowResult {
  plan: Schemas["PlanOut"];
  followUp: Schemas["FollowUpOut"];
  workList: Schemas["WorkItemOut"][];
  catalogue: Schemas["EntryOut"][];
  status: Schemas["StatusOut"];
}

/** Today as YYYY-MM-DD (UTC), the day the follow-up is recorded as held: never after the service's Danish today. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function runFlow(baseUrl: string, tokens: Tokens): Promise<FlowResult> {
  const hr = devplanClient(baseUrl, tokens.hr);
  const employee = devplanClient(baseUrl, tokens.employee);
  const manager = devplanClient(baseUrl, tokens.manager);
  const representative = devplanClient(baseUrl, tokens.representative);

  // 1. The organisation, in order: units, employees, committees; then the catalogue,
  //    absences and development interviews (each all-or-nothing and idempotent).
  const synced: Schemas["SyncResult"][] = [
    ok("sync org-units", await hr.POST("/api/v1/sync/org-units", { body: ex.step01SyncOrgUnits })),
    ok("sync employees", await hr.POST("/api/v1/sync/employees", { body: ex.step02SyncEmployees })),
    ok("sync committees", await hr.POST("/api/v1/sync/committees", { body: ex.step03SyncCommittees })),
    ok("sync catalogue", await hr.POST("/api/v1/sync/catalogue", { body: ex.step04SyncCatalogue })),
    ok("sync absences", await hr.POST("/api/v1/sync/absences", { body: ex.step05SyncAbsences })),
    ok(
      "sync interviews",
      await hr.POST("/api/v1/sync/development-interviews", { body: ex.step06SyncDevelopmentInterviews }),
    ),
  ];
  console.log("synced", synced.map((s) => s.created + s.updated + s.unchanged));

  // 2. Who the employee is (their token's subject is their external id).
  const me = ok("me", await employee.GET("/api/v1/me"));
  if (!me.employee) throw new Error("the employee's token names no employee");
  const employeeId = me.employee.id;
  const unitId = me.employee.unit_id;

  // 3. The manager drafts the plan; a goal, and an activity serving it.
  const drafted = ok(
    "create plan",
    await manager.POST("/api/v1/plans", { body: { ...ex.step07CreatePlan, employee_id: employeeId } }),
  );
  const path = { id: drafted.id };
  const withGoal = ok(
    "add goal",
    await manager.POST("/api/v1/plans/{id}/goals", { params: { path }, body: ex.step08AddGoal }),
  );
  const goal = withGoal.content.goals[0];
  if (!goal) throw new Error("the plan has no goal");
  const withActivity = ok(
    "add activity",
    await employee.POST("/api/v1/plans/{id}/activities", {
      params: { path },
      body: { ...ex.step09AddActivity, goal_ids: [goal.id] },
    }),
  );

  // 4. Both sign the revision they read.
  const signedOnce = ok(
    "employee signs",
    await employee.POST("/api/v1/plans/{id}/signatures", {
      params: { path },
      body: { ...ex.step10SignPlanEmployee, revision: withActivity.revision },
    }),
  );
  const agreed = ok(
    "manager signs",
    await manager.POST("/api/v1/plans/{id}/signatures", {
      params: { path },
      body: { ...ex.step11SignPlanManager, revision: signedOnce.revision },
    }),
  );
  if (agreed.status !== "agreed") throw new Error(`plan is ${agreed.status}, not agreed`);

  // 5. The annual follow-up, held today (never a day in the future), outcome `continued`.
  const recorded = ok(
    "record follow-up",
    await manager.POST("/api/v1/plans/{id}/follow-ups", {
      params: { path },
      body: {
        ...ex.step12RecordFollowUp,
        held_on: today(),
        progress: ex.step12RecordFollowUp.progress.map((p) => ({ ...p, goal_id: goal.id })),
      },
    }),
  );

  // 6. Reading: the manager's work list (a year ahead), the catalogue for the employee's
  //    professional group, and the unit's status figures as the representative sees them.
  const workList = ok(
    "work list",
    await manager.GET("/api/v1/follow-ups", { params: { query: { window_days: 366, kind: "annual" } } }),
  );
  const catalogue = ok(
    "catalogue",
    await employee.GET("/api/v1/catalogue", { params: { query: { professional_group: "pædagog", limit: 100 } } }),
  );
  const status = ok(
    "status",
    await representative.GET("/api/v1/status", { params: { query: { unit_id: unitId } } }),
  );
  if (!status.anonymised) throw new Error("a representative's figures should be anonymised");

  return {
    plan: recorded.plan,
    followUp: recorded.follow_up,
    workList: workList.items,
    catalogue: catalogue.items,
    status,
  };
}
