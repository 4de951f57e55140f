/** The client's rule for path settings that may lead outside the workspace (client/src/userLevel.ts). */
import { strict as assert } from 'node:assert';
import { isUserLevel } from '../../client/src/userLevel';

describe('client: user-level path settings', () => {
  it('counts a value as the user’s only when no workspace, folder or workspace language value exists', () => {
    assert.equal(isUserLevel({ globalValue: '/shared/clippings' }, '/shared/clippings'), true);
    assert.equal(isUserLevel({ globalValue: '/shared', workspaceValue: '/etc' }, '/etc'), false);
    assert.equal(isUserLevel({ globalValue: '/shared', workspaceValue: '/shared' }, '/shared'), false, 'the workspace also sets it');
    assert.equal(isUserLevel({ globalValue: '/shared', workspaceFolderValue: 'corpus' }, 'corpus'), false);
    assert.equal(isUserLevel({ globalValue: '/shared', workspaceLanguageValue: '/etc' }, '/shared'), false);
    assert.equal(isUserLevel({ globalValue: '/shared', workspaceFolderLanguageValue: '/etc' }, '/shared'), false);
    assert.equal(isUserLevel({ workspaceValue: '/etc' }, '/etc'), false);
    assert.equal(isUserLevel({ globalValue: '/shared' }, '/other'), false, 'not the value the server is sent');
    assert.equal(isUserLevel({ globalValue: '' }, ''), false);
    assert.equal(isUserLevel(undefined, '/shared'), false);
  });
});
