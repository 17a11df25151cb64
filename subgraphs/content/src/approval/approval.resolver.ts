// Transport for approval.graphql. Decisions are signals to the item's
// workflow (W2), which records them through its activities; a mutation waits
// a moment for the row to change so the caller sees the result, and the
// approvalEvents subscription carries whatever lands later.
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { logger } from '@ensemble/subgraph-kit/logger';
import { readSdl, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { ContentItem, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId, uuidArrayLiteral } from '@ensemble/tenancy/ids';
import { approvalTopic, DEFAULT_EXPIRY_HOURS, type ApprovalActor, type ApprovalEvent, type ApprovalStatus } from '@ensemble/workflow-contracts/approval';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql, toDateOrNull } from '../pipeline/sql.ts';
import { linkSecret } from './approval-link.ts';
import {
  createApprovalLink,
  defaultPublicLimits,
  externalActor,
  externalView,
  resolveLink,
  useLink,
  type ExternalView,
  type PublicLimits,
} from './approval-link.service.ts';
import {
  approvalInput,
  signalApprovalWorkflow,
  startApprovalWorkflow,
  waitFor,
  type ApprovalSignalName,
  type ApprovalWorkflowDeps,
} from './approval-workflow.client.ts';
import {
  approvalsOfItem,
  checkComment,
  commentExists,
  commentsOf,
  findApproval,
  listApprovals,
  regenerationsOf,
  remindersOf,
  requireApproval,
  roundOfRegeneration,
  submitItem,
  type ApprovalView,
  type CommentView,
} from './approval.service.ts';

export interface ApprovalModuleDeps extends ApprovalWorkflowDeps {
  /** how long a mutation waits for the workflow to record its signal (default 10 s) */
  waitMs?: number;
  /** the signing key of external links (default: linkSecret()) */
  secret?: Buffer;
  limits?: PublicLimits;
  now?: () => Date;
}

const STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'changes_requested', 'regenerating', 'rejected', 'expired', 'auto_approved'];

function statusesOf(values: readonly string[] | null | undefined): ApprovalStatus[] {
  if (!values || values.length === 0) return ['pending'];
  return values.map((v) => {
    const status = v.toLowerCase() as ApprovalStatus;
    if (!STATUSES.includes(status)) throw badInput(`Unknown approval status ${v}`, 'status');
    return status;
  });
}

async function actorOf(ctx: RequestContext, em: EntityManager): Promise<ApprovalActor> {
  const { identity } = ctx;
  if (identity.kind === 'user') {
    const [user] = await sql<{ display_name: string }>(em, `select display_name from tenants."user" where id = ?`, [identity.actorId]);
    return { userId: identity.actorId, external: null, name: user?.display_name ?? 'A user' };
  }
  return { userId: null, external: null, name: identity.kind === 'api_key' ? `API key ${identity.actorId.slice(-8)}` : 'Ensemble' };
}

function itemLoader(ctx: RequestContext) {
  return requestLoader<string, ContentItemRow>(ctx, 'approval-items', (ids) => ctx.tx(async ({ em }) => {
    const rows = await em.find(ContentItem, { id: { $in: [...ids] } });
    return new Map(rows.map((r) => [r.id, r]));
  }));
}

function versionBodyLoader(ctx: RequestContext) {
  return requestLoader<string, string>(ctx, 'approval-version-bodies', (keys) => ctx.tx(async ({ em }) => {
    const pairs = keys.map((k) => k.split('@') as [string, string]);
    const rows = await sql<{ item_id: string; version: number; body: string }>(em,
      `select v.item_id, v.version, v.body from content.content_version v
        join jsonb_to_recordset(?::jsonb) as k(item uuid, version integer) on k.item = v.item_id and k.version = v.version`,
      [JSON.stringify(pairs.map(([item, version]) => ({ item, version: Number(version) })))]);
    return new Map(rows.map((r) => [`${r.item_id}@${r.version}`, r.body]));
  }));
}

function slotTimeLoader(ctx: RequestContext) {
  return requestLoader<string, Date>(ctx, 'approval-slot-times', (itemIds) => ctx.tx(async ({ em }) => {
    const rows = await sql<{ id: string; scheduled_at: unknown }>(em,
      `select i.id, s.scheduled_at from content.content_item i join content.calendar_slot s on s.tenant_id = i.tenant_id and s.id = i.calendar_slot_id
        where i.id = any(?::uuid[])`, [uuidArrayLiteral(itemIds)]);
    return new Map(rows.map((r) => [r.id, toDateOrNull(r.scheduled_at)!]));
  }));
}

function commentLoader(ctx: RequestContext) {
  return requestLoader<string, CommentView[]>(ctx, 'approval-comments', (ids) => ctx.tx(({ em }) => commentsOf(em, ids)));
}

export function approvalModule(deps: ApprovalModuleDeps): SubgraphModule {
  const now = deps.now ?? (() => new Date());
  const waitMs = deps.waitMs ?? 10_000;
  const limits = deps.limits ?? defaultPublicLimits();
  let secret: Buffer | undefined = deps.secret;
  const key = () => (secret ??= linkSecret());

  /** Signals the item's workflow and waits for `settled` to answer. */
  async function signalAndWait<T>(ctx: RequestContext, approvalId: string, signal: ApprovalSignalName, comment: string | null,
    settled: (em: EntityManager, approval: ApprovalView, signalId: string) => Promise<T | null>): Promise<T | ApprovalView> {
    const { approval, actor } = await ctx.tx(async ({ em }) => {
      const approval = await requireApproval(em, approvalId);
      if (approval.status !== 'pending') throw new AppError('CONFLICT', `This round is already ${approval.status.replace('_', ' ')}`);
      return { approval, actor: await actorOf(ctx, em) };
    });
    const signalId = newId();
    await signalApprovalWorkflow(deps, approvalInput(deps, approval.tenantId, approval.itemId, approval.requestedBy), signal, { signalId, approvalId: approval.id, actor, comment });
    const result = await waitFor(() => ctx.tx(({ em }) => settled(em, approval, signalId)), waitMs);
    return result ?? ctx.tx(({ em }) => requireApproval(em, approval.id));
  }

  const decided = async (em: EntityManager, approval: ApprovalView) => {
    const current = await requireApproval(em, approval.id);
    return current.status === 'pending' ? null : current;
  };

  return {
    sdl: readSdl(new URL('./approval.graphql', import.meta.url)),
    resolvers: {
      Query: {
        approvals: (_: unknown, args: { status?: string[] | null; limit: number }, ctx: RequestContext) =>
          ctx.tx(({ em, tenantId }) => listApprovals(em, tenantId, statusesOf(args.status), args.limit)),
        approval: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => requireApproval(em, args.id)),
        itemApprovals: (_: unknown, args: { itemId: string }, ctx: RequestContext) => ctx.tx(async ({ em }) => {
          const [item] = isUuid(args.itemId) ? await sql(em, `select id from content.content_item where id = ?`, [args.itemId]) : [];
          if (!item) throw notFound('Content item');
          return approvalsOfItem(em, args.itemId);
        }),
        approvalByToken: async (_: unknown, args: { token: string }, ctx: RequestContext): Promise<ExternalView> => {
          const link = await resolveLink(ctx.orm, args.token, { secret: key(), now: now(), limits });
          return withTenant(ctx.orm, link.tenantId, null, ({ em }) => externalView(em, link));
        },
      },
      Mutation: {
        submitForReview: async (_: unknown, args: { itemId: string }, ctx: RequestContext) => {
          const expireAfterHours = deps.expireAfterHours ?? DEFAULT_EXPIRY_HOURS;
          const requestedBy = ctx.identity.kind === 'user' ? ctx.identity.actorId : null;
          const { approval } = await ctx.tx(({ em }) => submitItem(em, { itemId: args.itemId, requestedBy, expiresAt: new Date(now().getTime() + expireAfterHours * 3_600_000) }));
          try {
            await startApprovalWorkflow(deps, approvalInput(deps, approval.tenantId, approval.itemId, requestedBy));
          } catch (error) {
            // The round is open either way; the first decision starts the workflow (signalWithStart).
            logger.warn({ err: error, approvalId: approval.id }, 'approval workflow not started');
            return approval;
          }
          // The workflow ties the round to itself (and approves it in auto mode) as it opens.
          const opened = await waitFor(() => ctx.tx(async ({ em }) => {
            const current = await requireApproval(em, approval.id);
            return current.workflowId ? current : null;
          }), waitMs);
          return opened ?? approval;
        },
        approveItem: async (_: unknown, args: { approvalId: string; note?: string | null }, ctx: RequestContext) =>
          signalAndWait(ctx, args.approvalId, 'approve', checkComment(args.note, 'note', false), decided),
        requestChanges: async (_: unknown, args: { approvalId: string; comment: string }, ctx: RequestContext) =>
          signalAndWait(ctx, args.approvalId, 'requestChanges', checkComment(args.comment, 'comment', true), decided),
        regenerateItem: async (_: unknown, args: { approvalId: string; comment?: string | null }, ctx: RequestContext) => {
          const comment = checkComment(args.comment, 'comment', false);
          // B2: regenerations per item are capped by the plan.
          await ctx.tx(async ({ em, tenantId }) => {
            const approval = await requireApproval(em, args.approvalId);
            const [plan] = await sql<{ limits: Record<string, unknown> | null }>(em, `select limits from app.plan_for(?)`, [tenantId]);
            const cap = Number(plan?.limits?.regenerations_per_item ?? Number.POSITIVE_INFINITY);
            if ((await regenerationsOf(em, approval.itemId)) >= cap) {
              throw new AppError('CONFLICT', `This item has had its ${cap} regenerations allowed by the plan`);
            }
          });
          return signalAndWait(ctx, args.approvalId, 'regenerate', comment, async (em, approval, signalId) =>
            (await roundOfRegeneration(em, signalId)) ?? ((await requireApproval(em, approval.id)).status === 'pending' ? null : requireApproval(em, approval.id)));
        },
        commentOnApproval: async (_: unknown, args: { approvalId: string; body: string }, ctx: RequestContext) =>
          signalAndWait(ctx, args.approvalId, 'comment', checkComment(args.body, 'body', true), async (em, approval, signalId) =>
            ((await commentExists(em, uuidV5(`${signalId}:comment`))) ? requireApproval(em, approval.id) : null)),
        createApprovalLink: (_: unknown, args: { itemId: string; email?: string | null; expiresInHours: number }, ctx: RequestContext) =>
          ctx.tx(({ em }) => createApprovalLink(em, { itemId: args.itemId, email: args.email, expiresInHours: args.expiresInHours, now: now(), secret: key() })),
        decideApproval: async (_: unknown, args: { token: string; decision: 'APPROVE' | 'REQUEST_CHANGES'; comment?: string | null }, ctx: RequestContext): Promise<ExternalView> => {
          const comment = checkComment(args.comment, 'comment', args.decision === 'REQUEST_CHANGES');
          const link = await resolveLink(ctx.orm, args.token, { secret: key(), now: now(), limits });
          const actor = externalActor(link);
          const approval = await useLink(ctx.orm, link, (round) => signalApprovalWorkflow(
            deps, approvalInput(deps, round.tenantId, round.itemId, round.requestedBy),
            args.decision === 'APPROVE' ? 'approve' : 'requestChanges',
            { signalId: newId(), approvalId: round.id, actor, comment }));
          await waitFor(() => withTenant(ctx.orm, link.tenantId, null, ({ em }) => decided(em, approval)), waitMs);
          return withTenant(ctx.orm, link.tenantId, null, ({ em }) => externalView(em, link));
        },
      },
      Subscription: {
        approvalEvents: {
          subscribe: (_: unknown, __: unknown, ctx: RequestContext) => ctx.pubsub.subscribe<ApprovalEvent>(approvalTopic(ctx.identity.tenantId)),
          resolve: (event: ApprovalEvent) => event,
        },
      },
      Approval: {
        __resolveReference: (ref: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => findApproval(em, ref.id)),
        item: (a: ApprovalView, _: unknown, ctx: RequestContext) => itemLoader(ctx).load(a.itemId),
        status: (a: ApprovalView) => a.status.toUpperCase(),
        requestedAt: (a: ApprovalView) => a.createdAt,
        decidedBy: (a: ApprovalView) => a.decidedByName ?? a.decidedByExternal,
        reminders: (a: ApprovalView, _: unknown, ctx: RequestContext) =>
          ctx.tx(({ em }) => remindersOf(em, a.id)).then((list) => list.map((r) => ({ ...r, channel: r.channel.toUpperCase() }))),
        body: (a: ApprovalView, _: unknown, ctx: RequestContext) => versionBodyLoader(ctx).load(`${a.itemId}@${a.version}`).then((b) => b ?? ''),
        scheduledAt: (a: ApprovalView, _: unknown, ctx: RequestContext) => slotTimeLoader(ctx).load(a.itemId),
        comments: (a: ApprovalView, _: unknown, ctx: RequestContext) => commentLoader(ctx).load(a.id).then((c) => c ?? []),
      },
      ApprovalComment: {
        external: (c: CommentView) => c.authorUserId === null,
      },
      ExternalApproval: {
        channel: (v: ExternalView) => v.channel.toUpperCase(),
        status: (v: ExternalView) => v.status.toUpperCase(),
      },
      ApprovalEvent: {
        status: (e: ApprovalEvent) => e.status.toUpperCase(),
      },
    },
  };
}
