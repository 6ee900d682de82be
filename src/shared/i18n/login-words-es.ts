// Lo que dice la estación de trabajo sobre el login que usan las comprobaciones SQL, en español:
// las mismas claves que login-words-en.ts (el compilador rechaza una clave que falte o sobre).
import type { LoginWordsCatalogue } from './login-words-en';

export const loginWordsEs: LoginWordsCatalogue = {
  'login.summary': 'Las comprobaciones SQL{where} inician sesión como "{login}", que tiene {names}: BEGIN READ ONLY no impide lo que esto permite.',
  'login.where': ' en el destino "{target}"',
  'login.superuser': '"{login}" es superusuario: dentro de BEGIN READ ONLY aún puede ejecutar programas como el usuario del sistema del servidor, escribir archivos del servidor, terminar sesiones, confirmar a través de dblink y crear slots de replicación',
  'login.superuserVia': '"{login}" es miembro del rol de superusuario {roles}, al que puede cambiar con SET ROLE',
  'login.superuserViaMany': '"{login}" es miembro de los roles de superusuario {roles}, a los que puede cambiar con SET ROLE',
  'login.memberOf': '"{login}" es miembro de {role} (directamente o a través de otro rol): {what}',
  'login.what.pg_execute_server_program': 'ejecuta programas en el servidor de la base de datos como su usuario del sistema (COPY … TO PROGRAM), incluso dentro de BEGIN READ ONLY',
  'login.what.pg_write_server_files': 'escribe archivos en el servidor de la base de datos (COPY … TO \'/ruta\'), incluso dentro de BEGIN READ ONLY',
  'login.what.pg_signal_backend': 'cancela y termina otras sesiones (pg_terminate_backend), también las de la aplicación',
  'login.dblink': '"{login}" puede ejecutar (EXECUTE) {functions}: dblink abre su propia conexión, así que lo que ejecuta se confirma diga lo que diga la transacción de solo lectura de la comprobación',
  'login.loExport': '"{login}" puede ejecutar (EXECUTE) lo_export(oid, text): escribe objetos grandes en archivos del servidor de la base de datos',
  'login.replication': '"{login}" tiene REPLICATION{through}: puede crear slots de replicación (pg_create_physical_replication_slot) que retienen WAL hasta llenar el disco',
  'login.createrole': '"{login}" tiene CREATEROLE{through}: puede crear roles y concederse la pertenencia a los de otros',
  'login.through': ' (a través de {roles}, al que puede cambiar con SET ROLE)',
  'login.advice.intro': 'Ejecute las comprobaciones SQL con un login de solo lectura, y nómbrelo en el destino postgres:',
  'login.advice.dblink': 'dblink lo puede ejecutar cualquier login una vez instalado; concédalo de nuevo a los roles que lo necesiten',
  'login.advice.then': 'después, en el runbook:',
  'login.advice.secret': 'el secreto que guarda su contraseña',
  'login.advice.revoke': 'O quite los privilegios a "{login}" (un privilegio que se tiene a través de otro rol se revoca de ese rol):',
  'login.rehearsalWarning': 'AVISO (ensayo; en producción se rechaza): {warning}',
};
