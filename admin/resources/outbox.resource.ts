// Outbox messages (Slack notifications and daily summaries) in the panel: read-only, so a user can
// see what was delivered, what is waiting and what gave up (status "failed" with its last error).
// A user sees the messages of their own integrations; an admin sees all. "Retry now" puts a
// failed message back in the queue with a fresh attempt budget.
import { ForbiddenError, type ActionContext, type ActionRequest, type CurrentAdmin, type ResourceWithOptions } from 'adminjs';
import { Op, type WhereOptions } from 'sequelize';
import { Integration, OutboxMessage } from '../../src/models/index.js';
import { adminId, isAdminUser, scopedList } from '../access.js';

async function ownMessages(admin?: CurrentAdmin): Promise<WhereOptions> {
  if (isAdminUser(admin)) return {};
  const rows = await Integration.findAll({ where: { user_id: adminId(admin) }, attributes: ['id'] });
  return { integration_id: { [Op.in]: rows.map((r) => r.id) } };
}

async function ownsMessage(context: ActionContext, recordId: number): Promise<boolean> {
  if (isAdminUser(context.currentAdmin)) return true;
  const msg = await OutboxMessage.findByPk(recordId, { attributes: ['integration_id'] });
  if (!msg) return false;
  return (await Integration.count({ where: { id: msg.integration_id, user_id: adminId(context.currentAdmin) } })) > 0;
}

async function guardShow(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  if (!(await ownsMessage(context, Number(request.params?.recordId)))) throw new ForbiddenError('You do not have access to this record.');
  return request;
}

async function retryNow(request: ActionRequest, _response: unknown, context: ActionContext) {
  const { record, currentAdmin, h, resource } = context;
  if (!record) throw new Error('Record not found');
  if (!(await ownsMessage(context, Number(record.id())))) {
    return { record: record.toJSON(currentAdmin), notice: { message: 'You do not have access to this record.', type: 'error' as const } };
  }
  await OutboxMessage.update(
    { status: 'pending', attempts: 0, next_attempt_at: new Date(), locked_until: null, last_error: null },
    { where: { id: Number(record.id()), status: 'failed' } },
  );
  return {
    record: record.toJSON(currentAdmin),
    redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
    notice: { message: 'Queued again; it will be delivered within a few seconds.', type: 'success' as const },
  };
}

export const outboxResource: ResourceWithOptions = {
  resource: OutboxMessage,
  options: {
    navigation: { name: 'Connectors', icon: 'Link' },
    listProperties: ['id', 'integration_id', 'kind', 'channel', 'status', 'attempts', 'next_attempt_at', 'sent_at', 'last_error'],
    showProperties: ['id', 'integration_id', 'provider', 'kind', 'channel', 'status', 'attempts', 'next_attempt_at', 'sent_at', 'last_error', 'payload', 'created_at'],
    filterProperties: ['status', 'kind', 'integration_id'],
    sort: { sortBy: 'id', direction: 'desc' },
    properties: {
      integration_id: { reference: 'integrations' },
      payload: { type: 'mixed', isVisible: { list: false, show: true, edit: false, filter: false } },
      last_error: { type: 'textarea' },
      status: { availableValues: ['pending', 'sent', 'failed'].map((v) => ({ value: v, label: v })) },
    },
    actions: {
      list: { handler: scopedList(OutboxMessage, ownMessages) },
      show: { before: guardShow },
      search: { isAccessible: false },
      new: { isAccessible: false },
      edit: { isAccessible: false },
      delete: { isAccessible: false },
      bulkDelete: { isAccessible: false },
      retryNow: {
        actionType: 'record',
        icon: 'RefreshCw',
        component: false,
        isVisible: ({ record }) => record?.param('status') === 'failed',
        handler: retryNow,
      },
    },
  },
};
